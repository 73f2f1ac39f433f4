// board.js — the projector (/board/<id>?key=...): lobby, question with its countdown, reveal, standings, podium.
/*
 * Lobby with QR code, question with a big countdown, the reveal with the answer
 * distribution, the standings and the podium.
 * Protocol: docs/protocol.md, namespace /board (admitted with the contest's board key).
 */
(function () {
  "use strict";

  var L = window.Live;
  var A = window.Answers;
  var h = L.h;
  var body = document.body;

  function $(id) {
    return document.getElementById(id);
  }

  var screens = ["lobby", "b-question", "b-reveal", "b-leaderboard", "b-finished"].map($);

  var st = {
    status: null,
    phase: null,
    paused: false,
    question: null,
    reveal: null,
    leaderboard: null,
    podium: null,
    counts: { joined_by_center: {}, joined: 0, answered: 0 },
    buzzer: null,
    upcoming: null,
    welcome: [],
  };

  var lateState = 0;
  var countdown = new L.Countdown(function (ms, state) {
    var timer = $("bq-timer");
    var ready = st.phase === "question" ? L.readyLeft(st.question) : null;
    if (ready !== null) {
      // the "get ready" seconds: their count, large, in place of the answering time
      timer.classList.remove("urgent", "stopped");
      timer.classList.toggle("paused", st.paused);
      timer.textContent = String(L.seconds(ready));
      $("bq-note").textContent = st.paused ? "计时暂停" : "准备";
      if (!st.paused && ready < -1500 && Date.now() - lateState > 3000) {
        lateState = Date.now(); // the options are late (a lost message): reconnect, which sends the state
        socket.disconnect().connect();
      }
      return;
    }
    var secs = L.seconds(ms);
    timer.classList.toggle("urgent", state === "running" && secs <= 5);
    timer.classList.toggle("paused", state === "paused");
    timer.classList.toggle("stopped", state === "stopped");
    timer.textContent = state === "stopped" ? "时间到" : String(secs);
    $("bq-note").textContent = state === "paused" ? "计时暂停" : state === "stopped" ? "本题已截止" : "";
  });

  var socket = window.io("/board", {
    auth: { contest_id: Number(body.dataset.contestId), key: body.dataset.boardKey },
  });

  function setConn(text) {
    var conn = $("b-conn");
    conn.textContent = text || "";
    conn.hidden = !text;
  }

  socket.on("connect", function () {
    setConn("");
  });

  socket.on("disconnect", function () {
    setConn("与服务器的连接已断开，正在重新连接……");
  });

  socket.on("connect_error", function (err) {
    var refused = err && /unauthorized/i.test(String(err.message));
    setConn(refused ? "大屏链接无效：请从主持台重新打开投影链接" : "暂时连不上服务器，正在重试……");
  });

  // --- messages --------------------------------------------------------------------------------

  socket.on("state", function (s) {
    L.clock.sync(s.server_now);
    st.status = s.contest.status;
    st.phase = s.contest.phase;
    st.paused = !!s.paused;
    st.upcoming = s.upcoming || null;
    st.buzzer = s.buzzer || null;
    if (s.question) {
      st.question = s.question;
    }
    st.reveal = s.reveal || null;
    if (s.reveal && s.reveal.buzzer) {
      st.buzzer = s.reveal.buzzer;
    }
    if (s.leaderboard) {
      st.leaderboard = s.leaderboard;
    }
    st.podium = s.podium || st.podium;
    if (st.phase === "question" && s.question) {
      countdown.start(s.question.closes_at, st.paused, s.server_now);
    } else {
      countdown.stop();
    }
    render();
  });

  // question, pause, resume, close, buzzer, reveal, standings and podium: the same on every screen
  L.followScreens(socket, st, countdown, render);

  socket.on("counts", function (c) {
    st.counts = c;
    renderCounts();
  });

  // New players in batches (at most twice a second); the join counts come with the `counts` after them.
  socket.on("joined", function (m) {
    (m.players || []).forEach(function (p) {
      st.welcome.unshift(p.name);
    });
    st.welcome = st.welcome.slice(0, 6);
    $("b-welcome").textContent = "欢迎 " + st.welcome.join("、") + " 加入";
  });

  // --- drawing ---------------------------------------------------------------------------------

  function render() {
    var p = st.phase;
    var fitLater = false;
    $("b-phase").textContent = L.phaseText(st.status, p, st.paused);
    var shown = $("lobby");
    if ((p === "question" || p === "closed") && st.question) {
      renderQuestion();
      shown = $("b-question");
    } else if (p === "reveal" && st.reveal && st.question) {
      renderReveal();
      shown = $("b-reveal");
      fitLater = true;
    } else if (p === "leaderboard" && st.leaderboard) {
      renderLeaderboard();
      shown = $("b-leaderboard");
    } else if (p === "finished") {
      renderFinished();
      shown = $("b-finished");
    }
    L.showOnly(screens, shown);
    body.dataset.phase = p || "";
    renderNext();
    renderCounts();
    if (fitLater) {
      fitReveal();
    }
  }

  /**
   * Shrink the reveal (its font size, which every size in it follows: live.css) until it fits the
   * screen: 1vh down to 0.6vh in steps; at the smallest size it scrolls instead of losing its last lines.
   */
  function fitReveal() {
    var reveal = $("b-reveal");
    if (reveal.hidden) {
      return;
    }
    reveal.classList.remove("scrolls");
    for (var size = 1; size >= 0.6 - 1e-9; size -= 0.05) {
      reveal.style.fontSize = size.toFixed(2) + "vh";
      if (reveal.scrollHeight <= reveal.clientHeight + 1) {
        return;
      }
    }
    reveal.classList.add("scrolls");
  }

  window.addEventListener("resize", fitReveal);

  /** Between questions: the next one is a buzzer (wait for it) or a risk one (choose a stake). */
  function renderNext() {
    var line = $("b-next");
    var up = st.upcoming;
    var kind = up && up.round && up.round.kind;
    var between = ["lobby", "closed", "reveal", "leaderboard"].indexOf(st.phase) >= 0;
    var text = "";
    if (between && st.status === "open" && kind === "buzzer") {
      text = "下一题：抢答题 · 请等待题目出现后再按“抢答”，提前按下记为抢答过早";
    } else if (between && st.status === "open" && kind === "risk") {
      text = "下一题：风险题 · 请在手机上选择本题分值，不选按最低分值计";
    }
    line.textContent = text;
    line.className = "b-next " + (kind || "");
    line.hidden = !text;
  }

  /** A buzzer question's state, large: press now, who has it, or nobody pressed. */
  function renderBuzz(q) {
    var line = $("bq-buzz");
    var state = "";
    var text = "";
    if (q.round && q.round.kind === "buzzer") {
      if (st.buzzer) {
        state = "taken";
        text = st.buzzer.name + "（" + st.buzzer.center + "）抢到答题权";
      } else if (st.phase === "closed") {
        state = "none";
        text = "本题无人抢答";
      } else if (L.readyLeft(q) !== null) {
        state = "wait";
        text = "准备抢答：倒数结束后再按";
      } else {
        state = "open";
        text = "请抢答！";
      }
    }
    line.textContent = text;
    line.className = "bq-buzz " + state;
    line.dataset.state = state;
    line.hidden = !state;
  }

  function renderCounts() {
    var c = st.counts || {};
    $("b-joined").textContent = c.joined || 0;
    $("bq-answered").textContent = c.answered || 0;
    $("bq-joined").textContent = c.joined || 0;
    var byCenter = c.joined_by_center || {};
    var names = Object.keys(byCenter).sort(function (a, b) {
      return byCenter[b] - byCenter[a] || a.localeCompare(b, "zh-CN");
    });
    L.fill(
      $("b-centers"),
      names.map(function (name) {
        return h("li", {}, [h("span", { className: "name", text: name }), h("strong", { text: byCenter[name] })]);
      }),
    );
  }

  function renderQuestion() {
    var q = st.question;
    $("bq-number").textContent = "第 " + q.number + " / " + q.total + " 题";
    $("bq-round").textContent = [q.round && q.round.title, L.KINDS[q.kind] || q.kind].filter(Boolean).join(" · ");
    renderBuzz(q);
    $("bq-stem").textContent = q.stem;
    if (q.ready && st.phase === "question") {
      L.fill($("bq-options"), [h("li", { className: "ready-note", text: "准备：倒数结束后出现选项并开始计时" })]);
      return;
    }
    L.fill(
      $("bq-options"),
      q.kind === "fill"
        ? [h("li", { className: "fill-note", text: "填空题：请在手机上填写答案" })]
        : A.choices(q, { marks: "live" }).map(function (c) {
            return h("li", {}, [h("span", { className: "key", text: c.key }), h("span", { className: "text", text: c.text })]);
          }),
    );
  }

  function renderReveal() {
    var q = st.question;
    var r = st.reveal;
    var kind = r.kind || q.kind;
    $("br-number").textContent = "第 " + q.number + " / " + q.total + " 题 · 公布答案";
    $("br-answer").textContent = "正确答案：" + A.text(kind, r.answer, q.options);
    $("br-stem").textContent = q.stem;
    var right = A.ids(kind, r.answer);
    var dist = r.distribution || {};
    var rows = A.choices({ kind: kind, options: q.options }, { marks: "live" });
    var counts = rows.map(function (c) {
      return dist[c.id] || 0;
    });
    if (kind === "fill") {
      // the answers people typed, counted: the same bars, without option keys
      rows = A.typed(r).map(function (t) {
        return { id: t.right ? "right" : "", key: "", text: t.text };
      });
      counts = A.typed(r).map(function (t) {
        return t.count;
      });
      right = ["right"];
    }
    var max = counts.reduce(function (m, n) {
      return Math.max(m, n);
    }, 0);
    L.fill(
      $("br-bars"),
      rows.map(function (c, i) {
        var fill = h("div", { className: "bar-fill" });
        fill.style.width = (max ? (counts[i] / max) * 100 : 0) + "%";
        var isRight = right.indexOf(c.id) >= 0;
        return h("li", { className: isRight ? "right" : "" }, [
          h("span", { className: "bar-label" }, [
            c.key ? h("span", { className: "key", text: c.key }) : null,
            h("span", { className: "text", text: c.text }),
          ]),
          h("div", { className: "bar" }, [fill]),
          h("span", { className: "bar-count", text: counts[i] + " 人" }),
        ]);
      }),
    );
    var answered = r.answered || 0;
    var summary = "作答 " + answered + " 人 · 答对 " + (r.correct || 0) + " 人";
    if (answered) {
      summary += "（正确率 " + L.percent((r.correct || 0) / answered) + "）";
    }
    if (r.buzzer) {
      summary += " · 抢答：" + r.buzzer.name + "（" + r.buzzer.center + "）";
    }
    $("br-summary").textContent = summary;
    var dl = $("br-details");
    L.fill(dl, []);
    [
      ["解析", r.explanation],
      ["出处", r.source],
      ["政策有效期", r.effective || r.expires ? L.policyDates(r) : ""],
    ].forEach(function (d) {
      if (d[1]) {
        dl.appendChild(h("dt", { text: d[0] }));
        dl.appendChild(h("dd", { text: d[1] }));
      }
    });
  }

  function renderLeaderboard() {
    var board = st.leaderboard || {};
    L.fill(
      $("bl-people"),
      (board.people || []).slice(0, 10).map(function (p) {
        return h("li", {}, [
          h("span", { className: L.rankClass(p.rank), text: p.rank }),
          h("span", { className: "who" }, [
            h("span", { className: "name", text: p.name }),
            h("span", { className: "center", text: p.center }),
          ]),
          h("span", { className: "pts", text: L.score(p.score) }),
        ]);
      }),
    );
    L.fill(
      $("bl-centers"),
      (board.centers || []).map(function (c) {
        var fill = h("div", { className: "bar-fill" });
        fill.style.width = Math.round(Math.min(1, Number(c.participation) || 0) * 100) + "%";
        return h("li", {}, [
          h("span", { className: L.rankClass(c.rank), text: L.rankLabel(c.rank) }),
          h("span", { className: "who" }, [h("span", { className: "name", text: c.name })]),
          h("span", { className: "rate" }, [
            h("div", { className: "bar" }, [fill]),
            h("span", { className: "rate-text", text: L.percent(c.participation) }),
          ]),
          h("span", { className: "pts", text: L.score(c.score) }),
        ]);
      }),
    );
  }

  function renderFinished() {
    var podium = st.podium || { people: [], centers: [] }; // the places won (results.podium)
    L.fill($("bf-people"), podiumItems(podium.people || [], true));
    L.fill($("bf-centers"), podiumItems(podium.centers || [], false));
  }

  function podiumItems(list, people) {
    if (!list.length) {
      return [h("li", { className: "podium-none", text: "暂无（得分须高于 0 分）" })];
    }
    return list.slice(0, 3).map(function (item, i) {
      return h("li", { className: "place-" + (i + 1) }, [
        h("span", { className: "p-name", text: item.name }),
        people ? h("span", { className: "p-sub", text: item.center }) : h("span", { className: "p-sub", text: "参与率 " + L.percent(item.participation) }),
        h("span", { className: "p-score", text: L.score(item.score) + " 分" }),
        h("span", { className: "p-step", text: "第 " + item.rank + " 名" }),
      ]);
    });
  }

  render();
})();
