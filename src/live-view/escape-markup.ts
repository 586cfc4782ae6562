/** Escapes text for HTML or SVG text and for quoted attribute values: names come from datasets and errors. */
export function escapeMarkup(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
