// @ts-check
// A verification run's outcome as a symbol and words as well as a colour: consistent, drift (with how many
// differences are confirmed), running, failed, aborted; and the three difference classes in words.

/** @typedef {import('./verifications.js').VerificationRun} VerificationRun */
/** @typedef {'consistent' | 'drift' | 'running' | 'failed' | 'aborted'} Outcome */

/**
 * @param {VerificationRun} run
 * @returns {Outcome}
 */
export function outcomeOf(run) {
  if (run.status === 'running') return 'running';
  if (run.status === 'failed') return 'failed';
  if (run.status === 'aborted') return 'aborted';
  return run.verdict === 'drift' ? 'drift' : 'consistent';
}

/**
 * The badge of a run: symbol and words; `outcome` is what the stylesheet colours by.
 * @param {VerificationRun} run
 * @returns {{ icon: string, text: string, outcome: Outcome }}
 */
export function runBadge(run) {
  const outcome = outcomeOf(run);
  switch (outcome) {
    case 'consistent':
      return { icon: '✔', text: 'Consistent', outcome };
    case 'drift':
      return { icon: '▲', text: `Drift · ${run.confirmed} confirmed`, outcome };
    case 'running':
      return { icon: '◔', text: 'Running', outcome };
    case 'failed':
      return { icon: '✖', text: 'Failed', outcome };
    case 'aborted':
      return { icon: '–', text: 'Aborted', outcome };
  }
}

/** Difference classes as people read them. */
export const CLASS_TEXT = { confirmed: 'confirmed', in_flight: 'in flight', suspected: 'suspected' };

/** What each class means, for titles and help text. */
export const CLASS_HELP = {
  confirmed: 'persisted through every re-check while the source row stood still: drift',
  in_flight: 'converged during the re-checks: replication had not caught up yet',
  suspected: 'the source row kept changing between re-checks, so it could not be classified',
};

/** Difference kinds as people read them. */
export const KIND_TEXT = { missing: 'missing in target', extra: 'extra in target', changed: 'changed' };

/**
 * A badge element for a run: `<span class="verdict" data-verdict><span aria-hidden>icon</span> text</span>`.
 * @param {VerificationRun} run
 * @returns {HTMLSpanElement}
 */
export function runBadgeElement(run) {
  const badge = runBadge(run);
  const node = document.createElement('span');
  node.className = 'verdict';
  node.dataset['verdict'] = badge.outcome;
  const icon = document.createElement('span');
  icon.setAttribute('aria-hidden', 'true');
  icon.textContent = badge.icon;
  node.append(icon, ` ${badge.text}`);
  return node;
}
