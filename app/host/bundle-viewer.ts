import type { DbView, FleetView, LabState, PartyInfo, RunBundle, Step } from '../contract.js';
import { imageFromArchive } from '../../emulators/lab/snapshots.js';
import { dumpImage, fleetViewAt, fleetViewOf } from './db-view.js';
import type { RunView } from './run-view.js';

/**
 * A saved run opened for viewing (`enrollscope open BUNDLE`, the UI's Open): the same timeline, tokens and DB tab
 * as a live run, with Back and Step moving through its history. Nothing is sent; the lab keeps running beside it.
 */
let opened = 0;

export class BundleViewer implements RunView {
  readonly source = 'bundle';
  private cursor: number;
  private readonly serial = ++opened;

  /** `parties`: the live lab's, shown beside the saved run. */
  constructor(
    private readonly saved: RunBundle,
    private readonly parties: PartyInfo[],
  ) {
    this.cursor = saved.steps.length - 1;
  }

  /** The saved run as it was opened (snapshots included when it had them). */
  bundle(): RunBundle {
    return this.saved;
  }

  steps(): Step[] {
    return this.saved.steps;
  }

  state(): LabState {
    const b = this.saved;
    const last = b.steps.at(-1);
    return {
      // Seeded bundles share their createdAt (lab time): the viewer's own number keeps two open bundles apart.
      runId: `bundle:${this.serial}:${b.createdAt}`,
      scenario: b.scenario,
      options: b.options,
      seed: b.seed,
      fleet: b.fleet,
      status: b.passed === false ? 'failed' : 'done',
      mode: 'step',
      waitingStepId: null,
      cursor: this.cursor,
      head: b.steps.length - 1,
      stepCount: b.steps.length,
      clock: { now: last ? last.startedAt : Date.parse(b.createdAt), offsetMs: 0, pinned: true },
      prompts: b.prompts,
      breakpoints: [],
      parties: this.parties,
      expectations: b.expectations,
      error: null,
      source: 'bundle',
    };
  }

  back(): boolean {
    if (this.cursor < 0) return false;
    this.cursor--;
    return true;
  }

  forward(): boolean {
    if (this.cursor >= this.saved.steps.length - 1) return false;
    this.cursor++;
    return true;
  }

  /** An external Fleet's run carries the views its API gave; otherwise they are computed from the snapshots. */
  fleetView(index: number): FleetView {
    const views = this.saved.fleetViews;
    if (views) return fleetViewAt(views, index, views[0]?.fetched?.url ?? 'the external Fleet');
    return fleetViewOf(this.dbView(index));
  }

  dbView(index: number): DbView {
    const archive = this.saved.snapshots;
    const images = archive?.images[String(index)];
    if (!archive || !images) throw new Error(archive ? `no snapshot after step ${index}` : 'this bundle was saved without DB snapshots');
    const parties: DbView['parties'] = {};
    for (const party of Object.keys(images)) parties[party] = dumpImage(imageFromArchive(archive, index, party)!);
    return { stepIndex: index, parties };
  }
}
