// The lot's place on an announcement's or a lot's page: its parcel's outline (or its point) on the small map, the
// link that opens the map page there, and the surroundings (place.js, as on the listing and parcel pages).
(function () {
  "use strict";
  const place = JSON.parse(document.getElementById("notice-place").textContent);
  if (place) {
    window.LandPlace.showOnPage(place, { t: window.NOTICE_PLACE_I18N, properties: {} });
  }
})();
