import { t } from "../i18n/index.ts";
import { copyText } from "../ui/clipboard.ts";
import type { ConnectionBanner } from "../ui/ConnectionBanner.ts";
import { pondLink } from "./route.ts";

/** Copies the link to pond `roomId`, or shows it to copy by hand where the clipboard is refused. */
export async function shareLink(roomId: string, banner: ConnectionBanner): Promise<void> {
  const link = pondLink(roomId);
  if (await copyText(link)) banner.notify(() => t().linkCopied);
  else banner.notify(() => t().shareThisLink(link), 8000);
}

/** The system's share sheet with the pond's link; copies it instead if the sheet fails (not if the player backs out). */
export async function shareNative(roomId: string, banner: ConnectionBanner): Promise<void> {
  try {
    await navigator.share({ title: t().title, text: t().shareText, url: pondLink(roomId) });
  } catch (error) {
    if ((error as Error | undefined)?.name !== "AbortError") await shareLink(roomId, banner);
  }
}
