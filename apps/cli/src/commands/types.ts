/** Shapes shared by the command modules. */

/** Parsed option values of a command, as `util.parseArgs` returns them. */
export type CommandValues = Readonly<Record<string, string | boolean | undefined>>;
