// The projector of a judged contest (岗位比武): poll the state every 2 seconds and redraw the ranking.
(function () {
  "use strict";
  var body = document.body;
  var url = body.getAttribute("data-state-url");
  var rows = document.getElementById("jb-rows");
  var conn = document.getElementById("jb-conn");

  function cell(tr, text, className) {
    var td = document.createElement("td");
    td.textContent = text;
    if (className) td.className = className;
    tr.appendChild(td);
    return td;
  }

  function draw(state) {
    var fragment = document.createDocumentFragment();
    state.rows.forEach(function (row) {
      var tr = document.createElement("tr");
      cell(tr, row.rank === null ? "—" : String(row.rank));
      cell(tr, row.name);
      if (state.entrants === "people") cell(tr, row.center);
      cell(tr, row.score === null ? "—" : String(row.score));
      var count = cell(tr, row.judges + " / " + row.possible);
      if (row.too_few) {
        var few = document.createElement("span");
        few.className = "few";
        few.textContent = " 评委不足";
        count.appendChild(few);
      }
      fragment.appendChild(tr);
    });
    rows.replaceChildren(fragment);
  }

  function poll() {
    fetch(url, { cache: "no-store", credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (state) {
        conn.hidden = true;
        draw(state);
      })
      .catch(function () {
        conn.hidden = false;
      })
      .then(function () {
        window.setTimeout(poll, 2000);
      });
  }

  window.setTimeout(poll, 2000);
})();
