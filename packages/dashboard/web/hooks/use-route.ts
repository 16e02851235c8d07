import { useEffect, useState } from "react";
import { parseRoute, type Route } from "../lib/route.js";

/** The current route (from the location hash), updated on navigation. */
export function useRoute(): Route {
  const [hash, setHash] = useState(() => window.location.hash);
  useEffect(() => {
    const update = () => setHash(window.location.hash);
    window.addEventListener("hashchange", update);
    return () => window.removeEventListener("hashchange", update);
  }, []);
  return parseRoute(hash);
}

/** Goes to an internal route (`#/...`); `replace` keeps the browser history as it is. */
export function navigate(href: `#/${string}`, replace = false): void {
  if (replace) window.location.replace(href);
  else window.location.hash = href.slice(1);
}
