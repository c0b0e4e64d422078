// @ts-check
// Arrow-key movement between the links of a grid of cards (tiles wrap into rows at any width): Left/Right step,
// Up/Down go to the nearest card in the row above or below, Home/End jump to the first or last.

/**
 * @param {HTMLElement} grid
 * @param {string} linkSelector the focusable element inside each card
 */
export function enableGridKeys(grid, linkSelector) {
  grid.addEventListener('keydown', (event) => {
    if (!['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End'].includes(event.key)) return;
    const links = /** @type {HTMLElement[]} */ ([...grid.querySelectorAll(linkSelector)]).filter((a) => a.offsetParent !== null);
    const current = links.findIndex((a) => a === document.activeElement);
    if (current < 0) return;
    const target = nextIndex(links, current, event.key);
    if (target === current) return;
    event.preventDefault();
    links[target]?.focus();
  });
}

/**
 * @param {HTMLElement[]} links
 * @param {number} from
 * @param {string} key
 * @returns {number}
 */
function nextIndex(links, from, key) {
  switch (key) {
    case 'ArrowLeft':
      return Math.max(0, from - 1);
    case 'ArrowRight':
      return Math.min(links.length - 1, from + 1);
    case 'Home':
      return 0;
    case 'End':
      return links.length - 1;
    default: {
      const here = links[from]?.getBoundingClientRect();
      if (here === undefined) return from;
      const down = key === 'ArrowDown';
      let best = from;
      let bestScore = Infinity;
      links.forEach((a, i) => {
        const r = a.getBoundingClientRect();
        const dy = down ? r.top - here.top : here.top - r.top;
        if (dy <= 1) return;
        // Prefer the nearest row, then the nearest column in it.
        const score = dy * 10_000 + Math.abs(r.left - here.left);
        if (score < bestScore) {
          bestScore = score;
          best = i;
        }
      });
      return best;
    }
  }
}
