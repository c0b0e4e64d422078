// @ts-check
// A sparkline as one SVG polyline (plus a filled area under it): no chart library, one attribute write per
// redraw, crisp at any tile width because the stroke does not scale with the viewBox.

const SVG = 'http://www.w3.org/2000/svg';
const W = 100;
const H = 30;

export class Sparkline {
  /** @type {SVGSVGElement} */
  element;
  /** @type {SVGPolylineElement} */
  #line;
  /** @type {SVGPolygonElement} */
  #area;
  #lastKey = '';

  /** @param {string} label what it shows, for assistive technology */
  constructor(label) {
    this.element = document.createElementNS(SVG, 'svg');
    this.element.setAttribute('viewBox', `0 0 ${W} ${H}`);
    this.element.setAttribute('preserveAspectRatio', 'none');
    this.element.setAttribute('class', 'sparkline');
    this.element.setAttribute('role', 'img');
    this.element.setAttribute('aria-label', label);
    this.#area = document.createElementNS(SVG, 'polygon');
    this.#area.setAttribute('class', 'sparkline-area');
    this.#line = document.createElementNS(SVG, 'polyline');
    this.#line.setAttribute('class', 'sparkline-line');
    this.#line.setAttribute('vector-effect', 'non-scaling-stroke');
    this.element.append(this.#area, this.#line);
  }

  /**
   * Draws values over [from, to] on a y axis from 0 to the largest value; skips the write when nothing moved.
   * @param {readonly number[]} times ascending epoch ms
   * @param {readonly number[]} values
   * @param {number} from
   * @param {number} to
   */
  draw(times, values, from, to) {
    let max = 0;
    for (const v of values) if (v > max) max = v;
    const n = times.length;
    const key = `${n}|${times[0] ?? 0}|${times[n - 1] ?? 0}|${values[n - 1] ?? 0}|${max}|${Math.floor(from / 1000)}`;
    if (key === this.#lastKey) return;
    this.#lastKey = key;
    const span = Math.max(1, to - from);
    const top = max > 0 ? max * 1.1 : 1;
    let points = '';
    let firstX = 0;
    let lastX = 0;
    for (let i = 0; i < n; i++) {
      const t = times[i] ?? from;
      if (t < from) continue;
      const x = ((t - from) / span) * W;
      const y = H - ((values[i] ?? 0) / top) * (H - 1);
      if (points === '') firstX = x;
      lastX = x;
      points += `${x.toFixed(1)},${y.toFixed(1)} `;
    }
    this.#line.setAttribute('points', points);
    this.#area.setAttribute('points', points === '' ? '' : `${firstX.toFixed(1)},${H} ${points}${lastX.toFixed(1)},${H}`);
    this.element.dataset['points'] = String(points === '' ? 0 : points.trim().split(' ').length);
  }
}
