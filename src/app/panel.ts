// Small DOM helpers for the demo panel: numbers that turn red when they should be zero, and a log.

const MAX_LOG_ENTRIES = 200;

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`demo page: #${id} is missing from index.html`);
  return element as T;
}

export function showNumber(id: string, value: number | undefined): void {
  const element = byId(id);
  element.textContent = value === undefined ? '–' : String(value);
  element.classList.toggle('nonzero', value !== undefined && value > 0);
}

export type LogTone = 'info' | 'good' | 'warn';

export function log(text: string, tone: LogTone = 'info'): void {
  const list = byId<HTMLOListElement>('log');
  const item = document.createElement('li');
  if (tone !== 'info') item.className = tone;
  const time = document.createElement('time');
  time.textContent = new Date().toLocaleTimeString();
  item.append(time, text);
  list.prepend(item);
  while (list.children.length > MAX_LOG_ENTRIES) list.lastElementChild?.remove();
}
