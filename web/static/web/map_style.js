// The map page's own style (no external basemap needed): region fills, outlines by level and labels, parcels coloured
// by GB/T 21010 first-level use, supply by mode and certification, demand, clusters sized by count, amenities by
// category icons (drawn here on a canvas), the drawer's radius rings, lots (交易标的) coloured by phase: points, clusters,
// and the parcel's outline or a mining right's area at high zooms. Underneath, a basemap: the offline one (our
// `basemap` tiles: sea, land, lakes, rivers, coastline, 境界线), or with a key 天地图's vector or imagery tiles (a
// switcher chooses: setBasemap), or an external raster basemap (MAP_BASEMAP_TILES).
// Labels need no glyph server: the style has no `glyphs`, so MapLibre draws every character with the browser's own
// fonts (local glyph rendering, MapLibre GL JS ≥ 5.11), which works offline.
(function () {
  "use strict";
  const FONT = ["Noto Sans CJK SC Regular"];
  const LOCAL_FONTS = "'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif";
  const EARTH_RADIUS_M = 6371008.8; // mean radius (IUGG), for rings drawn on the sphere

  // GB/T 21010-2017 first-level classes, after the colours of the land-use survey maps.
  const LAND_USE_COLOURS = {
    "01": "#f2e394", "02": "#c5dc74", "03": "#4f9d55", "04": "#a8d08d", "05": "#e4572e", "06": "#a47551",
    "07": "#f4a259", "08": "#e07a9a", "09": "#8d6e63", "10": "#9e9e9e", "11": "#5dade2", "12": "#cfc6bd",
  };
  const MODE_COLOURS = { transfer: "#c2410c", lease: "#1d4ed8" };
  const DEMAND_COLOUR = "#7c3aed";
  const CERTIFIED_RING = "#0b6e4f";
  const AMENITY_COLOURS = {
    school: "#2563eb", hospital: "#dc2626", clinic: "#f87171", metro_station: "#7c3aed", bus_stop: "#0891b2",
    park: "#16a34a", shopping: "#db2777", bank: "#ca8a04", government_service: "#475569",
    highway_entrance: "#059669", industrial_park: "#92400e", railway_station: "#4338ca", airport: "#0369a1",
    utility: "#64748b",
  };
  const RING_COLOUR = "#0b6e4f";
  // A lot's phase (tiles `lots`, docs/maps.md): 公告期, 报名期, 挂牌期, 拍卖日, ended.
  const PHASE_COLOURS = { announced: "#0284c7", applying: "#16a34a", listing: "#d97706", auction_day: "#dc2626", ended: "#6b7280" };
  const LOT_CLUSTER_COLOUR = "#92400e";
  const IS_POINT = ["==", ["geometry-type"], "Point"];
  // The offline basemap: pale and cool, so that parcels, points and region tints stay the strongest colours.
  const BASEMAP_COLOURS = {
    background: "#eef2ef", land: "#f3f0e8", water: "#c6dcea", river: "#8fb8d6", coastline: "#9db7c8",
    boundary: "#9c5b7e", lakeLabel: "#3f6e8c",
  };
  const OFFLINE_ATTRIBUTION = "Natural Earth · 行政区划边界：天地图·国家地理信息公共服务平台";
  const BASEMAP = "land:basemap"; // metadata key on every basemap layer: its choice (offline, vector, imagery, custom)

  const match = (property, table, fallback) => ["match", ["get", property], ...Object.entries(table).flat(), fallback];
  const IS_CLUSTER = ["==", ["get", "cluster"], true];
  const NOT_CLUSTER = ["!=", ["get", "cluster"], true];
  const hovered = (yes, no) => ["case", ["boolean", ["feature-state", "hover"], false], yes, no];

  function emptyCollection() { return { type: "FeatureCollection", features: [] }; }

  // The basemaps a configuration offers, the first being the one shown at first: with a 天地图 key its vector and
  // imagery tiles and the offline one; else an external raster basemap (MAP_BASEMAP_TILES) if set; else offline.
  function basemapChoices(basemap) {
    if (basemap && basemap.tianditu) { return ["vector", "imagery", "offline"]; }
    if (basemap && basemap.tiles && basemap.tiles.length) { return ["custom"]; }
    return ["offline"];
  }

  function sources(tileUrl, basemap) {
    const vector = (layer, minzoom, maxzoom) => ({ type: "vector", tiles: [tileUrl(layer, "")], minzoom, maxzoom });
    const raster = (tiles, attribution) => ({ type: "raster", tiles, tileSize: 256, maxzoom: 18, attribution });
    const out = {
      offline: { ...vector("basemap", 0, 10), attribution: (basemap && basemap.offline_attribution) || OFFLINE_ATTRIBUTION },
      regions: vector("regions", 0, 14),
      parcels: vector("parcels", 12, 16),
      supply: vector("supply", 0, 16),
      demand: vector("demand", 0, 16),
      lots: vector("lots", 0, 16),
      amenities: vector("amenities", 12, 16),
      rings: { type: "geojson", data: emptyCollection() },
      selection: { type: "geojson", data: emptyCollection() },
    };
    if (basemap && basemap.tiles && basemap.tiles.length) {
      out.basemap = { type: "raster", tiles: basemap.tiles, tileSize: 256, attribution: basemap.attribution || "" };
    }
    const tianditu = basemap && basemap.tianditu;
    if (tianditu) {
      for (const [name, { base, labels }] of Object.entries(tianditu.styles)) {
        out[`tianditu-${name}`] = raster(base, tianditu.attribution);
        out[`tianditu-${name}-labels`] = raster(labels, tianditu.attribution);
      }
    }
    return out;
  }

  function clusterLayers(kind, colour) {
    return [
      {
        id: `${kind}-cluster`, type: "circle", source: kind, "source-layer": kind, filter: IS_CLUSTER,
        paint: {
          "circle-color": colour, "circle-opacity": 0.8, "circle-stroke-color": "#fff", "circle-stroke-width": 2,
          "circle-radius": ["interpolate", ["linear"], ["coalesce", ["get", "count"], 1], 1, 12, 10, 16, 100, 24, 1000, 32],
        },
      },
      {
        id: `${kind}-cluster-count`, type: "symbol", source: kind, "source-layer": kind, filter: IS_CLUSTER,
        layout: { "text-field": ["to-string", ["get", "count"]], "text-font": FONT, "text-size": 12, "text-allow-overlap": true },
        paint: { "text-color": "#fff" },
      },
    ];
  }

  // The offline basemap's layers (source `offline`, our `basemap` tiles), bottom to top.
  function offlineLayers() {
    const offline = (id, type, sourceLayer, paint, layout) => ({
      id, type, source: "offline", "source-layer": sourceLayer, paint, ...(layout ? { layout } : {}), metadata: { [BASEMAP]: "offline" },
    });
    const byZoom = (...stops) => ["interpolate", ["linear"], ["zoom"], ...stops];
    return [
      offline("basemap-ocean", "fill", "ocean", { "fill-color": BASEMAP_COLOURS.water }),
      offline("basemap-land", "fill", "land", { "fill-color": BASEMAP_COLOURS.land }),
      offline("basemap-lakes", "fill", "lakes", { "fill-color": BASEMAP_COLOURS.water }),
      offline("basemap-rivers", "line", "rivers", { "line-color": BASEMAP_COLOURS.river, "line-width": byZoom(3, 0.6, 8, 1.6, 12, 2.5) }, { "line-join": "round", "line-cap": "round" }),
      offline("basemap-coastline", "line", "coastline", { "line-color": BASEMAP_COLOURS.coastline, "line-width": byZoom(3, 0.5, 10, 1.2) }),
      offline("basemap-boundary-lines", "line", "boundary_lines", {
        "line-color": BASEMAP_COLOURS.boundary, "line-width": byZoom(3, 1, 10, 2), "line-dasharray": [4, 2],
      }),
      offline("basemap-lake-labels", "symbol", "lakes", { "text-color": BASEMAP_COLOURS.lakeLabel, "text-halo-color": "#fff", "text-halo-width": 1 }, {
        "text-field": ["get", "name"], "text-font": FONT, "text-size": 11, "symbol-placement": "point",
      }),
    ];
  }

  // A raster basemap's layer (MAP_BASEMAP_TILES, or one of 天地图's), shown when `choice` is its own.
  function rasterLayer(id, choice) { return { id, type: "raster", source: id, metadata: { [BASEMAP]: choice } }; }

  function basemapLayers(basemap, choice) {
    const tianditu = basemap && basemap.tianditu;
    const all = [
      ...offlineLayers(),
      ...(basemap && basemap.tiles && basemap.tiles.length ? [rasterLayer("basemap", "custom")] : []),
      ...(tianditu ? Object.keys(tianditu.styles).flatMap((name) => [rasterLayer(`tianditu-${name}`, name), rasterLayer(`tianditu-${name}-labels`, name)]) : []),
    ];
    return all.map((layer) => ({ ...layer, layout: { ...(layer.layout || {}), visibility: layer.metadata[BASEMAP] === choice ? "visible" : "none" } }));
  }

  // Shows one basemap (a choice of basemapChoices) and hides the others; hidden sources load no tiles.
  function setBasemap(map, choice) {
    for (const layer of map.getStyle().layers) {
      const own = layer.metadata && layer.metadata[BASEMAP];
      if (own) { map.setLayoutProperty(layer.id, "visibility", own === choice ? "visible" : "none"); }
    }
  }

  function layers(basemap, choice) {
    return [
      { id: "background", type: "background", paint: { "background-color": BASEMAP_COLOURS.background } },
      ...basemapLayers(basemap, choice),
      {
        // Region tints by count, translucent: the basemap shows through (a region with nothing found is not tinted).
        id: "region-fill", type: "fill", source: "regions", "source-layer": "regions",
        paint: {
          "fill-color": hovered("#b7e4c7", ["interpolate", ["linear"], ["coalesce", ["feature-state", "count"], 0], 0, "#f8faf9", 1, "#d8f3dc", 20, "#95d5b2", 200, "#52b788"]),
          "fill-opacity": hovered(0.6, ["interpolate", ["linear"], ["coalesce", ["feature-state", "count"], 0], 0, 0, 1, 0.45, 200, 0.6]),
        },
      },
      {
        id: "parcels-fill", type: "fill", source: "parcels", "source-layer": "parcels",
        paint: {
          "fill-color": match("land_use_major", LAND_USE_COLOURS, "#cfc6bd"),
          "fill-opacity": hovered(0.85, ["case", ["has", "listing_id"], 0.7, 0.45]),
        },
      },
      {
        id: "parcels-line", type: "line", source: "parcels", "source-layer": "parcels",
        paint: { "line-color": ["case", ["has", "listing_id"], "#7c2d12", "#6b7280"], "line-width": ["case", ["has", "listing_id"], 1.5, 0.5] },
      },
      {
        id: "region-line", type: "line", source: "regions", "source-layer": "regions",
        paint: {
          "line-color": ["match", ["get", "level"], "province", "#40534a", "city", "#6b8579", "#93a89d"],
          "line-width": ["match", ["get", "level"], "province", 1.6, "city", 1.1, 0.7],
          "line-dasharray": ["match", ["get", "level"], "county", ["literal", [3, 2]], ["literal", [1, 0]]],
        },
      },
      {
        id: "region-selected", type: "line", source: "regions", "source-layer": "regions",
        filter: ["==", ["get", "code"], ""], paint: { "line-color": "#0b6e4f", "line-width": 3 },
      },
      {
        id: "rings-fill", type: "fill", source: "rings",
        paint: { "fill-color": RING_COLOUR, "fill-opacity": ["interpolate", ["linear"], ["get", "radius_m"], 500, 0.10, 3000, 0.04] },
      },
      { id: "rings-line", type: "line", source: "rings", paint: { "line-color": RING_COLOUR, "line-width": 1.5, "line-dasharray": [2, 2] } },
      {
        id: "amenities", type: "symbol", source: "amenities", "source-layer": "amenities",
        layout: { "icon-image": ["concat", "amenity-", ["get", "category"]], "icon-allow-overlap": true, "icon-size": 1 },
      },
      {
        id: "region-label", type: "symbol", source: "regions", "source-layer": "region_labels",
        layout: {
          "text-field": ["get", "name"], "text-font": FONT,
          "text-size": ["match", ["get", "level"], "province", 15, "city", 13, 12],
        },
        paint: { "text-color": "#1f2933", "text-halo-color": "#fff", "text-halo-width": 1.5 },
      },
      ...clusterLayers("demand", DEMAND_COLOUR),
      ...clusterLayers("supply", "#c2410c"),
      {
        id: "supply-point", type: "circle", source: "supply", "source-layer": "supply", filter: NOT_CLUSTER,
        paint: {
          "circle-color": match("mode", MODE_COLOURS, "#c2410c"),
          "circle-radius": hovered(10, 7),
          "circle-stroke-color": ["case", ["==", ["get", "certified"], true], CERTIFIED_RING, "#ffffff"],
          "circle-stroke-width": hovered(4, ["case", ["==", ["get", "certified"], true], 3, 2]),
        },
      },
      {
        id: "demand-point", type: "circle", source: "demand", "source-layer": "demand", filter: NOT_CLUSTER,
        paint: { "circle-color": DEMAND_COLOUR, "circle-radius": hovered(10, 7), "circle-stroke-color": "#fff", "circle-stroke-width": hovered(4, 2) },
      },
      {
        id: "lots-area-fill", type: "fill", source: "lots", "source-layer": "lots", filter: ["!", IS_POINT],
        paint: { "fill-color": match("phase", PHASE_COLOURS, "#6b7280"), "fill-opacity": hovered(0.55, 0.35) },
      },
      {
        id: "lots-area-line", type: "line", source: "lots", "source-layer": "lots", filter: ["!", IS_POINT],
        paint: { "line-color": match("phase", PHASE_COLOURS, "#6b7280"), "line-width": 2.5 },
      },
      ...clusterLayers("lots", LOT_CLUSTER_COLOUR).map((layer) => ({ ...layer, filter: ["all", IS_CLUSTER, IS_POINT] })),
      {
        id: "lots-point", type: "circle", source: "lots", "source-layer": "lots", filter: ["all", NOT_CLUSTER, IS_POINT],
        paint: {
          "circle-color": match("phase", PHASE_COLOURS, "#6b7280"),
          "circle-radius": hovered(11, 8),
          "circle-stroke-color": "#111827",
          "circle-stroke-width": hovered(3, 1.5),
        },
      },
      {
        id: "selection", type: "circle", source: "selection",
        paint: { "circle-radius": 12, "circle-color": "rgba(0,0,0,0)", "circle-stroke-color": "#111827", "circle-stroke-width": 3 },
      },
      {
        id: "rings-label", type: "symbol", source: "rings",
        layout: { "symbol-placement": "line", "text-field": ["get", "label"], "text-font": FONT, "text-size": 11 },
        paint: { "text-color": RING_COLOUR, "text-halo-color": "#fff", "text-halo-width": 1.5 },
      },
    ];
  }

  // The style: tileUrl(layer, query) gives a layer's tile URL template; basemap is the page's map-config basemap
  // (optional); choice one of basemapChoices(basemap), the first by default.
  function build(tileUrl, basemap, choice) {
    const shown = choice || basemapChoices(basemap)[0];
    return { version: 8, sources: sources(tileUrl, basemap), layers: layers(basemap, shown) };
  }

  // Each category's icon: a coloured disc with the first character of its name, drawn on a canvas.
  function addAmenityIcons(map, categories) {
    const ratio = window.devicePixelRatio || 1;
    const size = Math.round(22 * ratio);
    for (const { code, name } of categories) {
      const canvas = document.createElement("canvas");
      canvas.width = size;
      canvas.height = size;
      const g = canvas.getContext("2d");
      g.beginPath();
      g.arc(size / 2, size / 2, size / 2 - ratio, 0, 2 * Math.PI);
      g.fillStyle = AMENITY_COLOURS[code] || "#64748b";
      g.fill();
      g.lineWidth = 1.5 * ratio;
      g.strokeStyle = "#fff";
      g.stroke();
      g.fillStyle = "#fff";
      g.font = `${Math.round(12 * ratio)}px ${LOCAL_FONTS}`;
      g.textAlign = "center";
      g.textBaseline = "middle";
      g.fillText(Array.from(name)[0] || "?", size / 2, size / 2 + ratio / 2);
      if (!map.hasImage(`amenity-${code}`)) { map.addImage(`amenity-${code}`, g.getImageData(0, 0, size, size), { pixelRatio: ratio }); }
    }
  }

  // A circle of radius_m around [lon, lat] on the sphere, as a closed ring of `steps` points.
  function circle(center, radiusM, steps) {
    const [lon0, lat0] = center.map((v) => (v * Math.PI) / 180);
    const angular = radiusM / EARTH_RADIUS_M;
    const ring = [];
    for (let i = 0; i <= steps; i += 1) {
      const bearing = (2 * Math.PI * (i % steps)) / steps;
      const lat = Math.asin(Math.sin(lat0) * Math.cos(angular) + Math.cos(lat0) * Math.sin(angular) * Math.cos(bearing));
      const lon = lon0 + Math.atan2(Math.sin(bearing) * Math.sin(angular) * Math.cos(lat0), Math.cos(angular) - Math.sin(lat0) * Math.sin(lat));
      ring.push([(lon * 180) / Math.PI, (lat * 180) / Math.PI]);
    }
    return ring;
  }

  function rings(center, radii, label) {
    return {
      type: "FeatureCollection",
      features: [...radii].sort((a, b) => b - a).map((radius) => ({
        type: "Feature", properties: { radius_m: radius, label: label(radius) },
        geometry: { type: "Polygon", coordinates: [circle(center, radius, 96)] },
      })),
    };
  }

  function legend(t, categories, majors) {
    const swatch = (colour, round) => ({ colour, round });
    return [
      ...Object.entries(PHASE_COLOURS).map(([phase, colour]) => [{ ...swatch(colour, true), phase }, `${t.lots} · ${t.phases[phase]}`]),
      [swatch(LOT_CLUSTER_COLOUR, true), t.legendLotCluster],
      [swatch(MODE_COLOURS.transfer, true), t.legendTransfer],
      [swatch(MODE_COLOURS.lease, true), t.legendLease],
      [{ colour: "#fff", round: true, ring: CERTIFIED_RING }, t.legendCertified],
      [swatch(DEMAND_COLOUR, true), t.legendDemand],
      [swatch("#c2410c", true), t.legendCluster],
      ...Object.keys(LAND_USE_COLOURS).sort().map((code) => [swatch(LAND_USE_COLOURS[code], false), majors[code] ? `${code} ${majors[code]}` : code]),
      ...categories.map(({ code, name }) => [swatch(AMENITY_COLOURS[code] || "#64748b", true), name]),
    ];
  }

  window.LandMapStyle = {
    build, addAmenityIcons, rings, circle, legend, basemapChoices, setBasemap, BASEMAP, BASEMAP_COLOURS,
    LAND_USE_COLOURS, LOCAL_FONTS, emptyCollection, PHASE_COLOURS,
  };
})();
