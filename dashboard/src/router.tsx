import { type MouseEvent, type ReactNode, useEffect, useState } from "react";

/** The dashboard's pages live under this path; the server answers every one of them with the app. */
export const basePath = "/dashboard";

export interface Location {
  /** The path below `/dashboard`, e.g. `/customers/user_1`. */
  path: string;
  query: URLSearchParams;
}

function readLocation(): Location {
  const path = window.location.pathname.slice(basePath.length) || "/";
  return { path, query: new URLSearchParams(window.location.search) };
}

const listeners = new Set<() => void>();

/** Goes to a dashboard page without reloading (history entry included, so Back works). */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const url = `${basePath}${to}`;
  if (options.replace) window.history.replaceState(null, "", url);
  else window.history.pushState(null, "", url);
  for (const listener of listeners) listener();
}

export function useLocation(): Location {
  const [location, setLocation] = useState(readLocation);
  useEffect(() => {
    const update = () => setLocation(readLocation());
    listeners.add(update);
    window.addEventListener("popstate", update);
    return () => {
      listeners.delete(update);
      window.removeEventListener("popstate", update);
    };
  }, []);
  return location;
}

/** A real link (keyboard, middle-click and copy work) that navigates in-app on a plain click. */
export function Link(props: { to: string; children: ReactNode; className?: string; current?: boolean }) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(props.to);
  };
  return (
    <a
      href={`${basePath}${props.to}`}
      onClick={onClick}
      className={props.className}
      aria-current={props.current ? "page" : undefined}
    >
      {props.children}
    </a>
  );
}
