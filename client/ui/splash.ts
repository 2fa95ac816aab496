/**
 * The loading screen index.html paints before any script runs (in the player's language: a few
 * lines inline there pick it as client/i18n/ does): it fades out once there is a pond to show (or
 * a banner saying why not), and is removed from the page after the fade.
 */
export function dismissSplash(): void {
  const splash = document.getElementById("splash");
  if (!splash || splash.classList.contains("gone")) return;
  splash.classList.add("gone");
  const remove = (): void => splash.remove();
  splash.addEventListener("transitionend", remove, { once: true });
  // No transition (reduced motion) or an interrupted one: remove it anyway.
  setTimeout(remove, 600);
}
