// @ts-check
// Tiny DOM helpers: build elements from a tag, attributes and children, and find required elements by id.

/**
 * @typedef {Record<string, string | number | boolean | undefined>} Attrs
 * `class` sets className, `text` sets textContent, `data-*` and aria-* go through setAttribute; false/undefined skip.
 */

/**
 * Creates an element.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Attrs} [attrs]
 * @param {(Node | string | null | undefined)[]} [children]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (name === 'class') node.className = String(value);
    else if (name === 'text') node.textContent = String(value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

/**
 * The element with this id, of this type; throws naming it when the page lacks it.
 * @template {HTMLElement} T
 * @param {string} id
 * @param {new () => T} type
 * @returns {T}
 */
export function byId(id, type) {
  const node = document.getElementById(id);
  if (!(node instanceof type)) throw new Error(`the page is missing #${id}`);
  return node;
}

/**
 * Sets text only when it changed: writes to the DOM cost style and layout work even when the text is the same.
 * @param {Element} node
 * @param {string} text
 */
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/**
 * Sets a data-* attribute only when it changed.
 * @param {HTMLElement | SVGElement} node
 * @param {string} key camelCase dataset key
 * @param {string} value
 */
export function setData(node, key, value) {
  if (node.dataset[key] !== value) node.dataset[key] = value;
}
