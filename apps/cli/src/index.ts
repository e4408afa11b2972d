/**
 * @rung/cli — the `rung` command (`bin/rung.js` runs {@link main}) and the pieces other tools may
 * reuse: the REST client and the local cluster launcher.
 */

export {
  ApiClient,
  type ApiClientOptions,
  ApiError,
  type ApiIssue,
  ApiUnreachableError,
  type Leaderboard,
  type LeaderboardEntry,
  resolveApiUrl,
} from './api-client.js';
export {
  type LocalCluster,
  type LocalClusterOptions,
  startLocalCluster,
} from './cluster/local-cluster.js';
export { CliError, ClusterStartError } from './errors.js';
export { main } from './main.js';
