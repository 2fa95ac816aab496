import { DEFAULT_NAME } from "../../shared/constants.ts";

/**
 * Name keys for the browser, with Unicode's lookalike table (shared/names.ts, ~22 KB brotli)
 * loaded only when a page needs it: when it has mutes to match, or its player list is opened.
 * Until then `keys` folds width and case only ("ＭＡＬＬＯＲＹ" is "mallory"), which is
 * enough for the mutes of this visit, which also follow the session id.
 */
type NamesModule = typeof import("../../shared/names.ts");

/** What a name is known by, and whether it reads as the default name. */
export interface NameKeyer {
  keys(name: string): string[];
  isDefault(name: string): boolean;
}

const simpleFold = (name: string): string => name.normalize("NFKC").toLowerCase();
const SIMPLE_DEFAULT = simpleFold(DEFAULT_NAME);

const simple: NameKeyer = {
  keys: (name) => [simpleFold(name)],
  isDefault: (name) => simpleFold(name) === SIMPLE_DEFAULT,
};

let full: NameKeyer | undefined;
let loading: Promise<NameKeyer> | undefined;

/** The best keyer this page has now. */
export function currentKeyer(): NameKeyer {
  return full ?? simple;
}

/** Loads the lookalike table (once); resolves with the full keyer. */
export function loadFullKeyer(load: () => Promise<NamesModule> = () => import("../../shared/names.ts")): Promise<NameKeyer> {
  loading ??= load().then((names) => {
    full = { keys: names.nameKeys, isDefault: names.isDefaultName };
    return full;
  });
  return loading;
}
