/** A page of the dashboard: it draws itself into the root, and stops its timers and streams when left. */
export interface Page {
  stop(): void;
}
