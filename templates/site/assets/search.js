// Search over the site's index (assets/search-index.js sets window.mouIndex): ids, titles,
// summaries and notes in every language. Results are built with DOM methods (textContent),
// never HTML, so record text cannot become markup.
(function () {
  "use strict";
  var results = document.getElementById("results");
  var input = document.getElementById("q");
  if (!results || !input || !window.mouIndex) { return; }
  var lang = document.documentElement.lang;
  var kinds = JSON.parse(results.getAttribute("data-kinds"));
  var LIMIT = 200;

  function text(value) {
    if (!value) { return ""; }
    return value[lang] || value[Object.keys(value)[0]] || "";
  }

  function haystack(row) {
    var parts = [row[0]];
    [row[3], row[4], row[5]].forEach(function (localized) {
      Object.keys(localized || {}).forEach(function (key) { parts.push(localized[key]); });
    });
    return parts.join(" \u0001 ").toLowerCase().replace(/ё/g, "е");
  }

  function search(query) {
    var terms = query.toLowerCase().replace(/ё/g, "е").split(/\s+/).filter(Boolean);
    while (results.firstChild) { results.removeChild(results.firstChild); }
    if (!terms.length) { return; }
    var found = window.mouIndex.filter(function (row) {
      var hay = haystack(row);
      return terms.every(function (term) { return hay.indexOf(term) >= 0; });
    });
    found.sort(function (a, b) { return a[2] < b[2] ? 1 : a[2] > b[2] ? -1 : 0; });
    var summary = document.createElement("p");
    summary.textContent = found.length
      ? results.getAttribute("data-found").replace("%(num)s", String(found.length))
      : results.getAttribute("data-none");
    results.appendChild(summary);
    var list = document.createElement("ol");
    found.slice(0, LIMIT).forEach(function (row) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "records/" + encodeURIComponent(row[0]) + ".html";
      link.textContent = text(row[3]) || row[0];
      item.appendChild(link);
      var meta = document.createElement("span");
      meta.className = "note";
      meta.textContent = " — " + (kinds[row[1]] || row[1]) + ", " + row[2];
      item.appendChild(meta);
      var summaryText = text(row[4]);
      if (summaryText) {
        var detail = document.createElement("div");
        detail.textContent = summaryText.length > 240 ? summaryText.slice(0, 240) + "…" : summaryText;
        item.appendChild(detail);
      }
      list.appendChild(item);
    });
    results.appendChild(list);
    if (found.length > LIMIT) {
      var more = document.createElement("p");
      more.className = "note";
      more.textContent = results.getAttribute("data-more").replace("%(num)s", String(LIMIT));
      results.appendChild(more);
    }
  }

  var query = new URLSearchParams(window.location.search).get("q") || "";
  input.value = query;
  search(query);
  input.addEventListener("input", function () { search(input.value); });
}());
