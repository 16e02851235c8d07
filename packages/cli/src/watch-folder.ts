import { type FSWatcher, readdirSync, statSync, watch } from "node:fs";
import { join, relative, sep } from "node:path";

/** Options of `watchFolder`. */
export interface WatchFolderOptions {
  /** Paths (absolute) to leave out, besides node_modules and dot-folders and dot-files. */
  ignore?: (path: string) => boolean;
  /** Files (absolute paths) whose changes count. Default: every file. New folders always count. */
  include?: (path: string) => boolean;
  /** Quiet time after the last change before `onChange` is called. Default 150 ms. */
  debounceMs?: number;
  /** Called with the paths that changed (absolute, sorted) once changes pause. */
  onChange: (paths: string[]) => void;
}

/** A folder being watched. */
export interface FolderWatcher {
  close(): void;
}

/**
 * Watches `root` and every folder under it, except `node_modules` and
 * dot-folders (`.git`, `.baton`), for files created, changed or removed;
 * folders created later are watched too. One `fs.watch` per folder, so that
 * ignored folders cost nothing.
 *
 * @example
 * const watcher = watchFolder("src", { onChange: (paths) => console.log("changed", paths) });
 */
export function watchFolder(root: string, options: WatchFolderOptions): FolderWatcher {
  const watchers = new Map<string, FSWatcher>();
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const ignored = (path: string) =>
    relative(root, path)
      .split(sep)
      .some((part) => part === "node_modules" || part.startsWith(".")) ||
    (options.ignore?.(path) ?? false);

  const unwatch = (dir: string) => {
    for (const [path, watcher] of watchers) {
      if (path === dir || path.startsWith(dir + sep)) {
        watcher.close();
        watchers.delete(path);
      }
    }
  };
  const add = (dir: string) => {
    if (watchers.has(dir) || (dir !== root && ignored(dir))) return;
    try {
      const watcher = watch(dir, (_event, name) => changed(name ? join(dir, name.toString()) : dir));
      watcher.on("error", () => unwatch(dir));
      watchers.set(dir, watcher);
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) add(join(dir, entry.name));
      }
    } catch {
      unwatch(dir); // removed meanwhile
    }
  };
  const changed = (path: string) => {
    if (ignored(path)) return;
    const isFolder = (() => {
      try {
        return statSync(path).isDirectory();
      } catch {
        unwatch(path);
        return false;
      }
    })();
    if (isFolder) add(path);
    else if (options.include && !options.include(path)) return;
    pending.add(path);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const paths = [...pending].sort();
      pending.clear();
      options.onChange(paths);
    }, options.debounceMs ?? 150);
  };

  add(root);
  return {
    close() {
      clearTimeout(timer);
      unwatch(root);
    },
  };
}
