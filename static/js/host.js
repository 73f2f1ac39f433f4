// host.js — the host console (/host/<id>): run the contest and watch it (question, reveal, standings, players).
/*
 * Protocol: docs/protocol.md, namespace /host (the signed-in session cookie authenticates).
 */
(function () {
  "use strict";

  var L = window.Live;
  var A = window.Answers;
  var h = L.h;
  var root = document.getElementById("host");
  var contestId = Number(root.dataset.contestId);

  var LABELS = {
    open: "开放报名",
    next: "下一题",
    close: "提前结束本题",
    pause: "暂停",
    resume: "继续",
    reveal: "公布答案",
    leaderboard: "排行榜",
    finish: "结束竞赛",
  };

  function $(id) {
    return document.getElementById(id);
  }

  var st = {
    watching: false,
    status: null,
    phase: null,
    paused: false,
    question: null,
    upcoming: null,
    reveal: null,
    leaderboard: null,
    podium: null,
    counts: { joined_by_center: {}, joined: 0, answered: 0 },
    players: [],
    buzzer: null,
    busy: false,
    kickConfirm: {}, // player ids whose 移出 was clicked once (a second click removes them)
    kicking: {},
  };

  var lateWatch = 0;
  var countdown = new L.Countdown(function (ms, state) {
    var timer = $("hq-timer");
    var ready = st.phase === "question" ? L.readyLeft(st.question) : null;
    if (ready !== null) {
      timer.classList.remove("urgent");
      timer.classList.toggle("paused", st.paused);
      timer.textContent = (st.paused ? "已暂停 · " : "") + "准备 " + L.seconds(ready) + " 秒（选项随后出现）";
      if (!st.paused && ready < -1500 && Date.now() - lateWatch > 3000) {
        lateWatch = Date.now(); // the options are late (a lost message): read the whole picture again
        watch();
      }
      return;
    }
    var secs = L.seconds(ms);
    timer.classList.toggle("urgent", state === "running" && secs <= 5);
    timer.classList.toggle("paused", state === "paused");
    timer.textContent =
      state === "paused" ? "已暂停 · 剩余 " + secs + " 秒" : state === "stopped" ? "已截止" : "剩余 " + secs + " 秒";
  });

  function status(text, isError) {
    var line = $("host-status");
    line.textContent = text || "";
    line.className = "status" + (isError ? " error" : "");
  }

  // --- socket ----------------------------------------------------------------------------------

  var socket = window.io("/host");

  socket.on("connect", function () {
    status("");
    watch();
  });

  socket.on("disconnect", function () {
    st.watching = false;
    status("与服务器的连接已断开，正在重新连接……", true);
    renderControls();
  });

  socket.on("connect_error", function (err) {
    st.watching = false;
    var refused = err && /unauthorized/i.test(String(err.message));
    status(refused ? "无法进入主持台：请重新登录有主持权限的账号。" : "暂时连不上服务器，正在重试……", true);
    renderControls();
  });

  /** Follow the contest; the acknowledgement is the whole picture (state, counts, players). */
  function watch(done) {
    L.request(socket, "watch", { contest_id: contestId }, function (ack) {
      if (!ack || !ack.ok) {
        status((ack && ack.error && ack.error.message) || "无法读取竞赛状态", true);
        return;
      }
      st.watching = true;
      st.players = ack.players || [];
      if (ack.counts) {
        st.counts = ack.counts;
      }
      applyState(ack.state);
      renderSide();
      if (done) {
        done();
      }
    });
  }

  function applyState(s) {
    if (!s) {
      return;
    }
    L.clock.sync(s.server_now);
    st.status = s.contest.status;
    st.phase = s.contest.phase;
    st.paused = !!s.paused;
    st.upcoming = s.upcoming || null;
    if (s.question) {
      st.question = s.question;
    }
    st.reveal = s.reveal || null;
    if (s.leaderboard) {
      st.leaderboard = s.leaderboard;
    }
    st.podium = s.podium || st.podium;
    if (st.phase === "question" && s.question) {
      countdown.start(s.question.closes_at, st.paused, s.server_now);
    } else if (st.phase !== "question") {
      countdown.stop();
    }
    render();
  }

  socket.on("state", applyState);

  // question, pause, resume, close, buzzer, reveal, standings and podium: the same on every screen
  L.followScreens(socket, st, countdown, render);

  socket.on("counts", function (c) {
    st.counts = c;
    renderCounts();
    renderSide();
  });

  // New players and comings and goings arrive in batches, at most twice a second (a join storm is one message).
  function playerById(id) {
    for (var i = 0; i < st.players.length; i++) {
      if (st.players[i].id === id) {
        return st.players[i];
      }
    }
    return null;
  }

  socket.on("joined", function (m) {
    (m.players || []).forEach(function (p) {
      var known = playerById(p.player_id);
      if (known) {
        known.kicked = false;
        known.connected = true;
      } else {
        st.players.push({ id: p.player_id, name: p.name, center: p.center, kicked: false, connected: true });
      }
    });
    renderSide();
    renderCounts();
  });

  // Players whose last phone went away, or whose first came back.
  socket.on("presence", function (m) {
    (m.players || []).forEach(function (p) {
      var known = playerById(p.player_id);
      if (known) {
        known.connected = !!p.connected;
      }
    });
    renderSide();
  });

  // --- actions ---------------------------------------------------------------------------------

  // Ending the contest cannot be undone: it takes a second click within four seconds.
  var CONFIRM = { finish: "确认结束竞赛？" };

  Array.prototype.forEach.call(root.querySelectorAll("button[data-action]"), function (button) {
    button.addEventListener("click", function () {
      var action = button.dataset.action;
      if (CONFIRM[action] && button.dataset.confirm !== "1") {
        button.dataset.confirm = "1";
        button.textContent = CONFIRM[action];
        button.classList.add("danger");
        window.setTimeout(function () {
          unconfirm(button);
        }, 4000);
        return;
      }
      unconfirm(button);
      act(action);
    });
  });

  function unconfirm(button) {
    button.dataset.confirm = "";
    button.textContent = LABELS[button.dataset.action];
    button.classList.remove("danger");
  }

  function act(action) {
    if (st.busy) {
      return;
    }
    st.busy = true;
    renderControls();
    status("正在执行：" + LABELS[action] + "……");
    L.request(socket, action, { contest_id: contestId }, function (ack) {
      st.busy = false;
      if (ack && ack.ok) {
        status("已执行：" + LABELS[action]);
        watch(); // refresh the snapshot (next question's round, players, counts)
      } else {
        status(LABELS[action] + "失败：" + ((ack && ack.error && ack.error.message) || "未知错误"), true);
        renderControls();
      }
    });
  }

  function kick(player) {
    if (!st.kickConfirm[player.id]) {
      st.kickConfirm[player.id] = true;
      window.setTimeout(function () {
        delete st.kickConfirm[player.id];
        renderSide();
      }, 4000);
      renderSide();
      return;
    }
    delete st.kickConfirm[player.id];
    st.kicking[player.id] = true;
    renderSide();
    L.request(socket, "kick", { contest_id: contestId, player_id: player.id }, function (ack) {
      delete st.kicking[player.id];
      if (ack && ack.ok) {
        player.kicked = true;
        status("已将 " + player.name + " 移出竞赛");
        watch();
      } else {
        status("移出失败：" + ((ack && ack.error && ack.error.message) || "未知错误"), true);
      }
      renderSide();
    });
  }

  // --- drawing ---------------------------------------------------------------------------------

  function enabledActions() {
    var p = st.phase;
    var open = st.status === "open";
    return {
      open: st.status === "draft",
      next: open && ["lobby", "closed", "reveal", "leaderboard"].indexOf(p) >= 0 && !!st.upcoming,
      close: open && p === "question",
      pause: open && p === "question" && !st.paused,
      resume: open && p === "question" && st.paused,
      reveal: open && p === "closed",
      leaderboard: open && ["closed", "reveal", "lobby"].indexOf(p) >= 0,
      finish: open && p !== "question",
    };
  }

  function renderControls() {
    var allowed = enabledActions();
    Array.prototype.forEach.call(root.querySelectorAll("button[data-action]"), function (button) {
      button.disabled = !st.watching || st.busy || !allowed[button.dataset.action];
    });
  }

  function render() {
    var badge = $("host-phase");
    badge.textContent = L.phaseText(st.status, st.phase, st.paused);
    badge.className = "phase-badge phase-" + (st.status === "draft" ? "draft" : st.phase);
    renderControls();

    var p = st.phase;
    var showQuestion = !!st.question && ["question", "closed", "reveal"].indexOf(p) >= 0;
    $("host-lobby").hidden = p !== "lobby" && !(st.status === "draft");
    $("host-question").hidden = !showQuestion;
    $("host-reveal").hidden = !(p === "reveal" && st.reveal);
    $("host-board").hidden = !((p === "leaderboard" || p === "finished") && (st.leaderboard || st.podium));

    var up = st.upcoming;
    $("host-upcoming").textContent = up
      ? "下一题：" + (up.round.title || L.ROUND_KINDS[up.round.kind] || up.round.kind)
      : "没有待出的题目";

    if (showQuestion) {
      renderQuestion();
    }
    $("hq-options").hidden = p === "reveal"; // the reveal lists the options with their counts
    if (p === "reveal" && st.reveal) {
      renderReveal();
    }
    if (p === "leaderboard" || p === "finished") {
      renderBoard();
    }
    $("hb-results").hidden = p !== "finished"; // the final view links to the results page and its exports
    renderCounts();
  }

  function renderQuestion() {
    var q = st.question;
    $("hq-number").textContent = "第 " + q.number + " / " + q.total + " 题";
    var meta = [q.round && q.round.title, L.KINDS[q.kind] || q.kind, q.time_limit ? q.time_limit + " 秒" : ""];
    $("hq-meta").textContent = meta.filter(Boolean).join(" · ");
    $("hq-stem").textContent = q.stem;
    L.fill(
      $("hq-options"),
      (q.ready ? [] : A.choices(q, { marks: "live" })).map(function (c) {
        return h("li", {}, [h("span", { className: "key", text: c.key }), h("span", { text: c.text })]);
      }),
    );
    var buzz = st.buzzer || (st.reveal && st.reveal.buzzer);
    $("hq-buzz").textContent = buzz ? "抢答：" + buzz.name + "（" + buzz.center + "）" : "";
  }

  function renderCounts() {
    var c = st.counts || {};
    $("hq-answered").textContent = c.answered || 0;
    $("hq-joined").textContent = c.joined || 0;
    var ratio = c.joined ? Math.min(1, (c.answered || 0) / c.joined) : 0;
    $("hq-meter").style.width = Math.round(ratio * 100) + "%";
  }

  function renderReveal() {
    var q = st.question || {};
    var r = st.reveal;
    var kind = r.kind || q.kind;
    $("hr-answer").textContent = "正确答案：" + A.text(kind, r.answer, q.options);
    var right = A.ids(kind, r.answer);
    var dist = r.distribution || {};
    var rows = A.choices({ kind: kind, options: q.options }).map(function (c) {
      return [c.id, kind === "judge" ? c.text : c.id + ". " + c.text, dist[c.id] || 0];
    });
    if (kind === "fill") {
      rows = A.typed(r).map(function (t) {
        return [t.right ? "right" : "", t.text, t.count];
      });
      right = ["right"];
    }
    var max = rows.reduce(function (m, row) {
      return Math.max(m, row[2]);
    }, 0);
    L.fill(
      $("hr-bars"),
      rows.map(function (row) {
        var fill = h("div", { className: "bar-fill" });
        fill.style.width = (max ? (row[2] / max) * 100 : 0) + "%";
        return h("li", { className: right.indexOf(row[0]) >= 0 ? "right" : "" }, [
          h("span", { className: "bar-label", text: row[1] }),
          h("div", { className: "bar" }, [fill]),
          h("span", { className: "bar-count", text: row[2] + " 人" }),
        ]);
      }),
    );
    var details = [["作答 / 答对", (r.answered || 0) + " 人 / " + (r.correct || 0) + " 人"]];
    L.revealDetails($("hr-details"), r, details);
  }

  function renderBoard() {
    var board = st.leaderboard || { people: [], centers: [] };
    var people = board.people || [];
    var centers = board.centers || [];
    if (st.phase === "finished") {
      $("hb-title").textContent = "最终排名";
      if (st.podium && !st.leaderboard) {
        people = st.podium.people || [];
        centers = st.podium.centers || [];
      }
    } else {
      $("hb-title").textContent = "排行榜";
    }
    L.fill(
      $("hb-people"),
      people.slice(0, 10).map(function (p) {
        return h("li", {}, [
          h("span", { className: L.rankClass(p.rank), text: p.rank }),
          h("span", { className: "who", text: p.name + "（" + p.center + "）" }),
          h("span", { className: "pts", text: L.score(p.score) + " 分 · 答对 " + (p.correct || 0) }),
        ]);
      }),
    );
    L.fill(
      $("hb-centers"),
      centers.map(function (c) {
        return h("li", {}, [
          h("span", { className: L.rankClass(c.rank), text: L.rankLabel(c.rank) }),
          h("span", { className: "who", text: c.name }),
          h("span", {
            className: "pts",
            text: L.score(c.score) + " 分 · 参与 " + c.joined + "/" + c.roster + "（" + L.percent(c.participation) + "）",
          }),
        ]);
      }),
    );
  }

  function renderSide() {
    var c = st.counts || {};
    $("host-joined").textContent = c.joined || 0;
    var byCenter = c.joined_by_center || {};
    var names = Object.keys(byCenter).sort(function (a, b) {
      return byCenter[b] - byCenter[a] || a.localeCompare(b, "zh-CN");
    });
    L.fill(
      $("host-centers"),
      names.length
        ? names.map(function (name) {
            return h("li", {}, [h("span", { text: name }), h("strong", { text: byCenter[name] + " 人" })]);
          })
        : [h("li", { className: "muted", text: "还没有人加入" })],
    );
    var answered = {};
    if (st.phase === "question" || st.phase === "closed") {
      (c.answered_players || []).forEach(function (id) {
        answered[id] = true;
      });
    }
    L.fill(
      $("host-players"),
      st.players.length
        ? st.players.map(function (player) {
            return playerRow(player, !!answered[player.id]);
          })
        : [h("li", { className: "muted", text: "还没有选手" })],
    );
  }

  function playerRow(player, answered) {
    var presence = player.kicked ? "kicked" : player.connected === false ? "offline" : "online";
    var label = { kicked: "已移出", offline: "重连中", online: "在线" }[presence];
    var action = null;
    if (!player.kicked) {
      var confirming = !!st.kickConfirm[player.id];
      action = h("button", {
        className: "small kick" + (confirming ? " danger" : ""),
        text: confirming ? "确认移出？" : "移出",
        attrs: { type: "button", "aria-label": "移出 " + player.name },
        on: {
          click: function () {
            kick(player);
          },
        },
      });
      action.disabled = !!st.kicking[player.id];
    }
    return h("li", { className: "player " + presence, data: { playerId: player.id } }, [
      h("span", { className: "dot", attrs: { title: label, "aria-label": label } }),
      h("span", { className: "name", text: player.name }),
      h("span", { className: "center muted", text: player.center }),
      h("span", { className: "tag" + (answered ? " answered" : ""), text: answered ? "已答" : label }),
      action,
    ]);
  }

  render();
  renderSide();
})();
