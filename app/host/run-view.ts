import type { DbView, FleetView, LabState, RunBundle, Step } from '../contract.js';

/**
 * What the UI and the CLI look at: the live run in this lab (`LiveRun`) or a saved run opened for viewing
 * (`BundleViewer`). Both show the same timeline, state and DB tab, and move through their history the same way.
 */
export interface RunView {
  readonly source: LabState['source'];
  state(): LabState;
  steps(): Step[];
  /** Every party's rows as they were after step `index` (-1: before the first). */
  dbView(index: number): DbView;
  /** What Fleet's REST API showed after step `index` (the embedded server's rows, or an external Fleet's answers). */
  fleetView(index: number): FleetView;
  bundle(opts?: { snapshots?: boolean }): RunBundle;
  /** One step back in the run's history; false when there is none. */
  back(): boolean;
  /** One step forward; false when there is none. */
  forward(): boolean;
}
