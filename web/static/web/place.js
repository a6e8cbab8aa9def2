// Where a listing or a demand is, for its page and the map page's drawer: a small MapLibre map of our own tiles with
// the outline filled (or the point marked) and fitted to it, the link that opens the map page there, and the
// surroundings (周边配套) table — amenity counts within each radius and the nearest of each category.
(function () {
  "use strict";
  const { request, ApiError, el, number } = window.LandApi;
  // The map page's layers the small map keeps: its basemap (the page's first choice), regions and parcels under the place.
  const KEPT_LAYERS = new Set(["background", "region-fill", "parcels-fill", "parcels-line", "region-line", "region-label"]);
  const kept = (layer) => KEPT_LAYERS.has(layer.id) || Boolean(layer.metadata && layer.metadata[window.LandMapStyle.BASEMAP]);
  const PLACE_COLOUR = "#c2410c";
  const POINT_ZOOM = 15;
  const MAX_ZOOM = 17;

  function distance(metres, t) {
    return metres >= 1000 ? `${number((metres / 1000).toFixed(2))} ${t.km}` : `${Math.round(metres)} ${t.m}`;
  }

  // Fills `table` (its header's first cell stays) from a surroundings answer (/api/geo/surroundings/ or a parcel's):
  // a row per category found within the largest radius; returns the note naming the categories found nowhere near.
  function renderSurroundings(table, data, t, names = {}) {
    const used = data.radii.map((ring) => ring.radius_m);
    const head = table.querySelector("thead tr");
    head.replaceChildren(head.cells[0], ...used.map((radius) => el("th", { scope: "col" }, t.within.replace("{radius}", distance(radius, t)))),
      el("th", { scope: "col" }, t.nearest));
    const byCategory = (ringData) => Object.fromEntries(ringData.categories.map((item) => [item.category, item]));
    const perRadius = data.radii.map(byCategory);
    const outer = perRadius[perRadius.length - 1] || {};
    const name = (category) => outer[category].category_name || names[category] || category;
    const found = Object.keys(outer).filter((category) => outer[category].count > 0);
    const empty = Object.keys(outer).filter((category) => outer[category].count === 0);
    table.tBodies[0].replaceChildren(...found.map((category) => {
      const nearest = perRadius.map((r) => r[category].nearest).find(Boolean);
      return el("tr", { dataset: { category } },
        el("th", { scope: "row" }, name(category)),
        ...perRadius.map((r, index) => el("td", { dataset: { radius: String(used[index]) } }, String(r[category].count))),
        el("td", {}, nearest ? `${nearest.name} · ${distance(nearest.distance_m, t)}` : "—"));
    }));
    const largest = used[used.length - 1];
    return empty.length && largest ? t.noneWithin.replace("{radius}", distance(largest, t)).replace("{categories}", empty.map(name).join("、")) : "";
  }

  // Every [lon, lat] of a GeoJSON geometry.
  function positions(geometry) {
    if (geometry.type === "Point") { return [geometry.coordinates]; }
    const depth = geometry.type === "MultiPolygon" ? 2 : geometry.type === "Polygon" ? 1 : 0;
    return geometry.coordinates.flat(depth);
  }

  // [[west, south], [east, north]] of a geometry.
  function bounds(geometry) {
    const points = positions(geometry);
    const lons = points.map((p) => p[0]);
    const lats = points.map((p) => p[1]);
    return [[Math.min(...lons), Math.min(...lats)], [Math.max(...lons), Math.max(...lats)]];
  }

  // The place as one geometry: the outline when there is one, else the point; null when neither.
  function geometryOf({ outline, location }) {
    if (outline) { return outline; }
    return Array.isArray(location) ? { type: "Point", coordinates: location } : null;
  }

  // Where distances and the map page's view start: the point when there is one, else the outline's box's centre.
  function centreOf({ outline, location }) {
    if (Array.isArray(location)) { return location; }
    if (!outline) { return null; }
    const [[w, s], [e, n]] = bounds(outline);
    return [(w + e) / 2, (s + n) / 2];
  }

  // The map page (/map/, map.js) opened at a view (view=lon,lat,zoom), showing supply or (kind=demand) demand.
  function mapHref(centre, zoom, kind = "supply") {
    const view = `view=${centre[0].toFixed(5)},${centre[1].toFixed(5)},${zoom.toFixed(3)}`;
    return kind === "supply" ? `/map/?${view}` : `/map/?kind=${kind}&${view}`;
  }

  function style(basemap, feature) {
    const tileUrl = (layer) => `${window.location.origin}/tiles/${layer}/{z}/{x}/{y}.mvt`;
    const built = window.LandMapStyle.build(tileUrl, basemap);
    const layers = built.layers.filter(kept);
    const used = new Set(layers.map((layer) => layer.source).filter(Boolean));
    const sources = Object.fromEntries(Object.entries(built.sources).filter(([name]) => used.has(name)));
    sources.place = { type: "geojson", data: { type: "FeatureCollection", features: [feature] } };
    const polygon = ["!=", ["geometry-type"], "Point"];
    layers.push(
      { id: "place-fill", type: "fill", source: "place", filter: polygon, paint: { "fill-color": PLACE_COLOUR, "fill-opacity": 0.35 } },
      { id: "place-line", type: "line", source: "place", filter: polygon, paint: { "line-color": PLACE_COLOUR, "line-width": 2.5 } },
      {
        id: "place-point", type: "circle", source: "place", filter: ["==", ["geometry-type"], "Point"],
        paint: { "circle-color": PLACE_COLOUR, "circle-radius": 8, "circle-stroke-color": "#fff", "circle-stroke-width": 2 },
      },
    );
    return { ...built, sources, layers };
  }

  // A small map in `container` showing `place` ({outline, location}, as the APIs answer) with `properties` on its
  // feature, fitted to it; `link` (an <a>) is pointed at the map page there, showing `kind`. Returns the map, or null
  // when the place has no geometry or the browser cannot draw the map (the link still works).
  function mount(container, place, { basemap, link, properties = {}, kind = "supply" }) {
    const geometry = geometryOf(place);
    if (!geometry) { return null; }
    const centre = centreOf(place);
    if (link) { link.href = mapHref(centre, POINT_ZOOM, kind); }
    const feature = { type: "Feature", properties, geometry };
    let map;
    try {
      map = new maplibregl.Map({
        container,
        style: style(basemap, feature),
        center: centre,
        zoom: POINT_ZOOM,
        maxZoom: 19,
        localIdeographFontFamily: window.LandMapStyle.LOCAL_FONTS,
        attributionControl: { compact: true },
        dragRotate: false,
        pitchWithRotate: false,
        scrollZoom: false, // the page scrolls over it; the buttons zoom
      });
    } catch (error) {
      container.hidden = true; // no WebGL
      return null;
    }
    map.touchZoomRotate.disableRotation();
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
    map.addControl(new maplibregl.ScaleControl({ unit: "metric" }), "bottom-left");
    if (geometry.type !== "Point") {
      map.fitBounds(bounds(geometry), { padding: 32, maxZoom: MAX_ZOOM, duration: 0 });
      if (link) { link.href = mapHref(centre, map.getZoom(), kind); }
    }
    map.once("load", () => { container.dataset.state = "ready"; });
    return map;
  }

  // A detail page's "Location and surroundings" (web/templates/web/market/_place.html): the small map, the link and,
  // unless `surroundings` is false, the table of the place's centre; the map is window.landDetailMap.
  async function showOnPage(place, { t, properties, kind = "supply", surroundings = true }) {
    const centre = centreOf(place);
    document.getElementById("detail-place").hidden = !centre;
    if (!centre) { return; }
    const config = JSON.parse(document.getElementById("map-config").textContent);
    window.landDetailMap = mount(document.getElementById("place-map"), place, {
      basemap: config.basemap, link: document.getElementById("place-map-link"), properties, kind,
    });
    if (!surroundings) { return; }
    const note = document.getElementById("place-surroundings-note");
    try {
      const data = await request("GET", `/api/geo/surroundings/?lon=${centre[0]}&lat=${centre[1]}`);
      note.textContent = renderSurroundings(document.getElementById("place-surroundings-table"), data, t);
    } catch (error) {
      if (!(error instanceof ApiError)) { throw error; }
      note.textContent = `${t.surroundingsFailed} ${error.message}`;
    }
    document.getElementById("place-surroundings").hidden = false;
  }

  window.LandPlace = { mount, showOnPage, renderSurroundings, distance, centreOf, mapHref };
})();
