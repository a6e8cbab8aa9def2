// The parcel page (/parcels/<code>/): its outline on the small map, the link that opens the map page there, and the
// surroundings of its centroid (place.js, as on the listing pages). Everything else is in the page already.
(function () {
  "use strict";
  const place = JSON.parse(document.getElementById("parcel-place").textContent);
  window.LandPlace.showOnPage(place, { t: window.PARCEL_I18N, properties: { parcel_code: place.code } });
})();
