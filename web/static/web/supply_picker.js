// The supply form's map picker (发布地源, step 1): a click (a tap, or Enter at the centre cross) places the land and
// finds its region and the parcel under it, whose public attributes "Use this parcel" puts into the form; or the outline
// is drawn (Terra Draw with the pointer, or corner by corner at the cross with the keyboard), its area measured live on
// the GRS80 ellipsoid (GeographicLib). What the form saves: place() ({location} | {parcel_id} | {outline}); the server
// measures the outline again and stores its own figure.
(function () {
  "use strict";
  const { request, ApiError, el } = window.LandApi;
  const t = window.SUPPLY_PICKER_I18N;
  const KEPT_LAYERS = new Set(["background", "region-fill", "parcels-fill", "parcels-line", "region-line", "region-label"]);
  const COLOUR = "#c2410c";
  const GRS80 = new window.geodesic.Geodesic.Geodesic(6378137, 1 / 298.257222101); // CGCS2000's ellipsoid
  const NEAR = 1e-7; // degrees around a click for the parcel query (about a centimetre)
  const START_ZOOM = 15;

  // The area of a GeoJSON Polygon or MultiPolygon in m², on the ellipsoid along geodesics (holes subtracted).
  function ellipsoidArea(geometry) {
    const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
    let total = 0;
    for (const rings of polygons) {
      rings.forEach((ring, index) => {
        const polygon = GRS80.Polygon(false);
        const points = ring.length > 1 && ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1] ? ring.slice(0, -1) : ring;
        for (const [lon, lat] of points) { polygon.AddPoint(lat, lon); }
        const area = Math.abs(polygon.Compute(false, true).area);
        total += index === 0 ? area : -area;
      });
    }
    return total;
  }

  function areaText(m2) { return window.LandFormat.area(m2.toFixed(2), { withMu: true }); }

  function round(value) { return Number(value.toFixed(7)); }

  class Picker {
    constructor(root, { config, onRegion, onParcel, onArea }) {
      this.root = root;
      this.form = root.closest("form");
      this.onRegion = onRegion;
      this.onParcel = onParcel;
      this.onArea = onArea;
      this.state = { kind: "none" };
      this.candidate = null; // the parcel under the last point, offered
      this.corners = []; // the outline drawn with the keyboard
      this.mode = "point";
      this.status = root.querySelector("#picker-status");
      this.areaOut = root.querySelector("#picker-area");
      this.parcelBox = root.querySelector("#picker-parcel");
      this.button = (name) => root.querySelector(`[data-picker="${name}"]`);
      this.button("point").addEventListener("click", () => this.setMode("point"));
      this.button("draw").addEventListener("click", () => this.setMode("draw"));
      this.button("corner").addEventListener("click", () => this.addCorner(this.centre()));
      this.button("finish").addEventListener("click", () => this.finishCorners());
      this.button("clear").addEventListener("click", () => this.clear());
      this.button("use-parcel").addEventListener("click", () => this.useParcel());
      for (const name of ["lon", "lat"]) { this.form.elements[name].addEventListener("change", () => this.typed()); }
      this.map = this.mountMap(root.querySelector("#picker-map"), config);
    }

    mountMap(container, config) {
      const tileUrl = (layer) => `${window.location.origin}/tiles/${layer}/{z}/{x}/{y}.mvt`;
      const built = window.LandMapStyle.build(tileUrl, config.basemap);
      const basemapKey = window.LandMapStyle.BASEMAP;
      const layers = built.layers.filter((layer) => KEPT_LAYERS.has(layer.id) || layer.id === "basemap" || Boolean(basemapKey && layer.metadata && layer.metadata[basemapKey]));
      const used = new Set(layers.map((layer) => layer.source).filter(Boolean));
      const sources = Object.fromEntries(Object.entries(built.sources).filter(([name]) => used.has(name)));
      const empty = { type: "FeatureCollection", features: [] };
      sources.place = { type: "geojson", data: empty };
      sources.candidate = { type: "geojson", data: empty };
      layers.push(
        { id: "candidate-line", type: "line", source: "candidate", paint: { "line-color": COLOUR, "line-width": 2, "line-dasharray": [2, 2] } },
        { id: "place-fill", type: "fill", source: "place", filter: ["!=", ["geometry-type"], "Point"], paint: { "fill-color": COLOUR, "fill-opacity": 0.3 } },
        { id: "place-line", type: "line", source: "place", filter: ["!=", ["geometry-type"], "Point"], paint: { "line-color": COLOUR, "line-width": 2.5 } },
        { id: "place-corners", type: "circle", source: "place", filter: ["==", ["geometry-type"], "Point"], paint: { "circle-color": COLOUR, "circle-radius": 5, "circle-stroke-color": "#fff", "circle-stroke-width": 2 } },
      );
      let map;
      try {
        map = new maplibregl.Map({
          container,
          style: { ...built, sources, layers },
          center: config.initial.center,
          zoom: config.initial.zoom,
          maxZoom: 19,
          localIdeographFontFamily: window.LandMapStyle.LOCAL_FONTS,
          attributionControl: { compact: true },
          dragRotate: false,
          pitchWithRotate: false,
          cooperativeGestures: false,
        });
      } catch (error) {
        container.closest(".picker-frame").hidden = true; // no WebGL: the typed coordinates remain
        this.say(t.noMap);
        return null;
      }
      map.touchZoomRotate.disableRotation();
      map.getCanvas().setAttribute("aria-label", container.dataset.label); // the canvas takes the keys (arrows, + −)
      map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
      map.addControl(new maplibregl.ScaleControl({ unit: "metric" }), "bottom-left");
      this.marker = new maplibregl.Marker({ color: COLOUR });
      map.on("click", (event) => { if (this.mode === "point") { this.setPoint([event.lngLat.lng, event.lngLat.lat]); } });
      container.addEventListener("keydown", (event) => {
        if (event.key !== "Enter" && event.key !== " ") { return; }
        event.preventDefault();
        if (this.mode === "point") { this.setPoint(this.centre()); } else { this.addCorner(this.centre()); }
      });
      map.once("load", () => {
        this.draw = this.mountDraw(map);
        container.dataset.state = "ready";
        this.show();
      });
      window.landPickerMap = map;
      return map;
    }

    // Terra Draw's polygon mode: the area follows the pointer while drawing; a closed ring becomes the outline.
    mountDraw(map) {
      if (!window.terraDraw || !window.terraDrawMaplibreGlAdapter) { return null; }
      const draw = new window.terraDraw.TerraDraw({
        adapter: new window.terraDrawMaplibreGlAdapter.TerraDrawMapLibreGLAdapter({ map }),
        modes: [new window.terraDraw.TerraDrawPolygonMode({ styles: { fillColor: COLOUR, outlineColor: COLOUR, closingPointColor: COLOUR } })],
      });
      draw.start();
      draw.on("change", () => {
        if (this.mode !== "draw") { return; }
        const polygon = draw.getSnapshot().find((f) => f.geometry.type === "Polygon");
        if (polygon) { this.areaOut.textContent = t.drawing.replace("{area}", areaText(ellipsoidArea(polygon.geometry))); }
      });
      draw.on("finish", (id) => {
        const feature = draw.getSnapshotFeature(id);
        draw.clear();
        if (feature && feature.geometry.type === "Polygon") { this.setOutline(feature.geometry); }
      });
      return draw;
    }

    centre() {
      if (!this.map) { return null; }
      const c = this.map.getCenter();
      return [c.lng, c.lat];
    }

    say(text) { this.status.textContent = text; }

    setMode(mode) {
      this.mode = mode;
      this.button("point").setAttribute("aria-pressed", String(mode === "point"));
      this.button("draw").setAttribute("aria-pressed", String(mode === "draw"));
      this.button("corner").hidden = mode !== "draw";
      this.button("finish").hidden = mode !== "draw";
      this.corners = [];
      if (this.draw) { this.draw.clear(); this.draw.setMode(mode === "draw" ? "polygon" : "static"); }
      this.show();
    }

    // A point placed by a click, a tap, Enter at the cross or the typed coordinates: no parcel or outline yet.
    async setPoint(location, { typed = false } = {}) {
      const at = location.map(round);
      this.state = { kind: "point", location: at };
      this.candidate = null;
      this.parcelBox.hidden = true;
      this.areaOut.textContent = "";
      if (!typed) { [this.form.elements.lon.value, this.form.elements.lat.value] = at; }
      this.show();
      this.say(t.pointSet.replace("{lon}", at[0]).replace("{lat}", at[1]));
      await Promise.all([this.lookupRegion(at), this.findParcel(at)]);
    }

    typed() {
      const lon = Number(this.form.elements.lon.value), lat = Number(this.form.elements.lat.value);
      if (this.form.elements.lon.value.trim() && this.form.elements.lat.value.trim() && Number.isFinite(lon) && Number.isFinite(lat)) {
        this.setPoint([lon, lat], { typed: true });
        if (this.map) { this.map.jumpTo({ center: [lon, lat], zoom: Math.max(this.map.getZoom(), START_ZOOM) }); }
      }
    }

    async lookupRegion([lon, lat]) {
      try {
        const found = await request("GET", `/api/geo/regions/lookup/?lon=${lon}&lat=${lat}`);
        if (found.county) { await this.onRegion(found.county.code); } else { this.say(t.outsideRegions); }
      } catch (error) {
        if (!(error instanceof ApiError)) { throw error; }
        this.say(t.lookupFailed);
      }
    }

    // The parcel whose outline covers the point (public attributes, /api/geo/parcels/), offered with its outline dashed.
    async findParcel([lon, lat]) {
      const box = [lon - NEAR, lat - NEAR, lon + NEAR, lat + NEAR].join(",");
      let found = null;
      try {
        found = (await request("GET", `/api/geo/parcels/?bbox=${box}&page_size=1`)).features[0] || null;
      } catch (error) {
        if (!(error instanceof ApiError)) { throw error; }
      }
      if (this.state.kind !== "point" || this.state.location[0] !== round(lon) || this.state.location[1] !== round(lat)) { return; } // moved on
      this.candidate = found;
      this.parcelBox.hidden = !found;
      if (found) {
        this.parcelBox.querySelector('[data-parcel="code"]').textContent = found.properties.code;
        const p = found.properties;
        this.parcelBox.querySelector('[data-parcel="summary"]').textContent = [p.land_use_name, p.area_m2 ? areaText(Number(p.area_m2)) : "", p.address].filter(Boolean).join(" · ");
      } else {
        this.say(t.noParcel);
      }
      this.show();
    }

    useParcel() {
      const parcel = this.candidate;
      if (!parcel) { return; }
      this.state = { kind: "parcel", parcel_id: parcel.id, geometry: parcel.geometry, location: parcel.properties.centroid };
      this.candidate = null;
      this.parcelBox.hidden = true;
      this.areaOut.textContent = parcel.properties.area_m2 ? t.area.replace("{area}", areaText(Number(parcel.properties.area_m2))) : "";
      if (Array.isArray(parcel.properties.centroid)) { [this.form.elements.lon.value, this.form.elements.lat.value] = parcel.properties.centroid; }
      this.onParcel(parcel.properties);
      this.show(true);
      this.say(t.parcelUsed.replace("{code}", parcel.properties.code));
    }

    addCorner(point) {
      if (!point) { return; }
      this.corners.push(point.map(round));
      const enough = this.corners.length >= 3;
      if (enough) {
        const ring = [...this.corners, this.corners[0]];
        this.areaOut.textContent = t.drawing.replace("{area}", areaText(ellipsoidArea({ type: "Polygon", coordinates: [ring] })));
      }
      this.say(t.corners.replace("{count}", this.corners.length));
      this.show();
    }

    finishCorners() {
      if (this.corners.length < 3) { this.say(t.corners.replace("{count}", this.corners.length)); return; }
      this.setOutline({ type: "Polygon", coordinates: [[...this.corners, this.corners[0]]] });
      this.corners = [];
    }

    // A drawn outline: its area shown (the server measures it again), its region looked up from a vertex average.
    setOutline(geometry) {
      const ring = geometry.coordinates[0].map((p) => p.map(round));
      const outline = { type: "Polygon", coordinates: [ring] };
      const area = ellipsoidArea(outline);
      this.state = { kind: "outline", outline, geometry: outline };
      this.candidate = null;
      this.parcelBox.hidden = true;
      this.areaOut.textContent = t.area.replace("{area}", areaText(area));
      this.onArea(area);
      this.show();
      const inner = ring.slice(0, -1);
      this.lookupRegion([inner.reduce((s, p) => s + p[0], 0) / inner.length, inner.reduce((s, p) => s + p[1], 0) / inner.length]);
    }

    clear() {
      this.state = { kind: "cleared" };
      this.candidate = null;
      this.corners = [];
      this.parcelBox.hidden = true;
      this.areaOut.textContent = "";
      this.form.elements.lon.value = this.form.elements.lat.value = "";
      if (this.draw) { this.draw.clear(); }
      this.show();
      this.say(t.cleared);
    }

    // A saved listing's place: its parcel (with the parcel's outline), its drawn outline, or its point.
    load(listing) {
      if (listing.parcel_id) {
        this.state = { kind: "parcel", parcel_id: listing.parcel_id, geometry: listing.outline, location: listing.location };
      } else if (listing.outline) {
        this.state = { kind: "outline", outline: listing.outline, geometry: listing.outline };
      } else if (Array.isArray(listing.location)) {
        this.state = { kind: "point", location: listing.location };
      } else {
        this.state = { kind: "none" };
      }
      this.areaOut.textContent = this.state.geometry && listing.area_m2 ? t.area.replace("{area}", areaText(Number(listing.area_m2))) : "";
      this.show(true);
    }

    // The place as the API takes it; {} when nothing was placed (the saved place stays).
    place() {
      const s = this.state;
      if (s.kind === "point") { return { parcel_id: null, outline: null, location: s.location }; }
      if (s.kind === "parcel") { return { parcel_id: s.parcel_id, outline: null, location: null }; }
      if (s.kind === "outline") { return { parcel_id: null, outline: s.outline, location: null }; }
      if (s.kind === "cleared") { return { parcel_id: null, outline: null, location: null }; }
      return {};
    }

    show(fit = false) {
      if (!this.map || !this.map.isStyleLoaded()) { return; }
      const features = [];
      if (this.state.geometry) { features.push({ type: "Feature", properties: {}, geometry: this.state.geometry }); }
      if (this.mode === "draw" && this.corners.length) {
        const ring = [...this.corners, this.corners[0]];
        features.push(...this.corners.map((c) => ({ type: "Feature", properties: {}, geometry: { type: "Point", coordinates: c } })));
        if (this.corners.length >= 3) { features.push({ type: "Feature", properties: {}, geometry: { type: "Polygon", coordinates: [ring] } }); }
      }
      this.map.getSource("place").setData({ type: "FeatureCollection", features });
      this.map.getSource("candidate").setData({ type: "FeatureCollection", features: this.candidate ? [{ type: "Feature", properties: {}, geometry: this.candidate.geometry }] : [] });
      const location = this.state.location;
      if (this.state.kind === "point" && Array.isArray(location)) { this.marker.setLngLat(location).addTo(this.map); } else { this.marker.remove(); }
      if (fit && this.state.geometry) {
        const points = (this.state.geometry.type === "Polygon" ? [this.state.geometry.coordinates] : this.state.geometry.coordinates).flat(2);
        const lons = points.map((p) => p[0]), lats = points.map((p) => p[1]);
        this.map.fitBounds([[Math.min(...lons), Math.min(...lats)], [Math.max(...lons), Math.max(...lats)]], { padding: 40, maxZoom: 17, duration: 0 });
      } else if (fit && Array.isArray(location)) {
        this.map.jumpTo({ center: location, zoom: START_ZOOM });
      }
    }
  }

  function mount(root, options) {
    const picker = new Picker(root, options);
    if (picker.map) { picker.map.once("load", () => picker.show(true)); }
    return picker;
  }

  window.LandSupplyPicker = { mount, ellipsoidArea };
})();
