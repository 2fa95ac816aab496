/**
 * Copies `text` to the clipboard: the async Clipboard API where the page may use it (secure
 * contexts), else the old selection-and-copy route (plain http on a LAN address). Resolves
 * false when neither worked, so the caller can show the text instead.
 */
export async function copyText(text: string): Promise<boolean> {
  if (window.isSecureContext && navigator.clipboard?.writeText) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Denied (no user activation, permissions): try the old way.
    }
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.readOnly = true;
  // Off screen, and 16px so iOS does not zoom toward it.
  area.style.cssText = "position:fixed;left:-9999px;top:0;opacity:0;font-size:16px";
  document.body.appendChild(area);
  try {
    area.select();
    area.setSelectionRange(0, text.length);
    return document.execCommand("copy");
  } catch {
    return false;
  } finally {
    // Focus falls back to the page, where the steering keys belong.
    area.remove();
  }
}
