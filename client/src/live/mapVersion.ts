// Which map of the street this page loaded: the server names it on connect (`server.map`) and
// whenever it is replaced (`map`). The first version seen is the page's; another one means the
// grids, communities and the records on them changed under the page, which then reloads (as it
// does for a new build). A server that names no map (an older one) changes nothing.

/** Returns the function to call with each version the server names. */
export function watchMapVersion(reload: () => void): (version: string | null | undefined) => void {
  let loaded: string | null = null;
  let reloading = false;
  return (version) => {
    if (!version || reloading) return;
    if (loaded === null) {
      loaded = version;
      return;
    }
    if (version !== loaded) {
      reloading = true;
      reload();
    }
  };
}
