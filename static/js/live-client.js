// live-client.js — the live client library: server clock, countdowns, socket requests, safe DOM building, wording.
/*
 * Used by the live pages (phone, host console, projector) and the paper page (its clock,
 * countdown and DOM building). Answers (controls, format, wording) are answers.js.
 *
 * The server decides time. Every message that concerns time carries `server_now`;
 * `Live.clock.sync(server_now)` keeps offset = server_now - local now (the latest wins),
 * and a countdown runs to `closes_at - (Date.now() + offset)`, frozen while paused.
 *
 * Names and texts from the server are only ever put into the page with textContent
 * (Live.h never uses innerHTML), so a name cannot inject markup.
 */
(function () {
  "use strict";

  // --- the server's clock ------------------------------------------------------------

  var offset = 0;

  function parse(iso) {
    var t = typeof iso === "string" ? Date.parse(iso) : NaN;
    return isNaN(t) ? null : t;
  }

  var clock = {
    /** Take the offset from a message's `server_now` (ISO 8601). */
    sync: function (serverNow) {
      var t = parse(serverNow);
      if (t !== null) {
        offset = t - Date.now();
      }
    },
    /** The server's time now, in ms since the epoch. */
    now: function () {
      return Date.now() + offset;
    },
    offset: function () {
      return offset;
    },
    parse: parse,
  };

  // --- countdowns ----------------------------------------------------------------------

  /**
   * A question's countdown. `onTick(remainingMs, state)` runs every 200 ms while it is
   * running and once whenever it is set, paused or stopped; state is "running",
   * "paused" or "stopped".
   */
  function Countdown(onTick) {
    this.onTick = onTick;
    this.closesAt = null;
    this.frozen = null; // remaining ms while paused
    this.timer = null;
    this.stopped = true;
  }

  Countdown.prototype.remaining = function () {
    if (this.frozen !== null) {
      return this.frozen;
    }
    if (this.closesAt === null) {
      return 0;
    }
    return Math.max(0, this.closesAt - clock.now());
  };

  Countdown.prototype.state = function () {
    if (this.stopped) {
      return "stopped";
    }
    return this.frozen !== null ? "paused" : "running";
  };

  Countdown.prototype._emit = function () {
    if (this.onTick) {
      this.onTick(this.remaining(), this.state());
    }
  };

  Countdown.prototype._run = function () {
    var self = this;
    if (this.timer === null) {
      this.timer = window.setInterval(function () {
        self._emit();
      }, 200);
    }
    this._emit();
  };

  Countdown.prototype._halt = function () {
    if (this.timer !== null) {
      window.clearInterval(this.timer);
      this.timer = null;
    }
  };

  /**
   * Count down to `closesAt` (ISO). When `paused`, the countdown is frozen at
   * closesAt - pausedAt (pausedAt: the pause's server time, or the message's server_now).
   */
  Countdown.prototype.start = function (closesAt, paused, pausedAt) {
    this.closesAt = parse(closesAt);
    this.stopped = false;
    if (paused) {
      this.pause(pausedAt);
    } else {
      this.frozen = null;
      this._run();
    }
  };

  /** Freeze at the time left when the server paused (its `server_now`). */
  Countdown.prototype.pause = function (serverNow) {
    var at = parse(serverNow);
    if (at === null) {
      at = clock.now();
    }
    this.frozen = this.closesAt === null ? 0 : Math.max(0, this.closesAt - at);
    this._halt();
    this._emit();
  };

  /** Continue towards the moved deadline. */
  Countdown.prototype.resume = function (closesAt) {
    var t = parse(closesAt);
    if (t !== null) {
      this.closesAt = t;
    } else if (this.frozen !== null) {
      this.closesAt = clock.now() + this.frozen;
    }
    this.frozen = null;
    this.stopped = false;
    this._run();
  };

  /** The question closed: stop at zero. */
  Countdown.prototype.stop = function () {
    this._halt();
    this.frozen = 0;
    this.stopped = true;
    this._emit();
  };

  /** Whole seconds left, rounded up (what a person reads). */
  function seconds(ms) {
    return Math.max(0, Math.ceil(ms / 1000));
  }

  /**
   * A question in its "get ready" seconds (`ready`: its options are not sent yet): the ms until its
   * `opened_at` on the server's clock (0 or less once it is due), or null when it is not getting ready.
   */
  function readyLeft(q) {
    if (!q || !q.ready || !q.opened_at) {
      return null;
    }
    return clock.parse(q.opened_at) - clock.now();
  }

  // --- DOM ---------------------------------------------------------------------------------

  /**
   * h("button", {className: "big", text: "提交", data: {key: "A"}, attrs: {type: "button"},
   *   on: {click: fn}}, [children...]) builds an element. Text goes in with textContent only.
   */
  function h(tag, props, children) {
    var node = document.createElement(tag);
    props = props || {};
    if (props.className) {
      node.className = props.className;
    }
    if (props.text !== undefined && props.text !== null) {
      node.textContent = String(props.text);
    }
    if (props.data) {
      Object.keys(props.data).forEach(function (k) {
        node.dataset[k] = String(props.data[k]);
      });
    }
    if (props.attrs) {
      Object.keys(props.attrs).forEach(function (k) {
        if (/^on/i.test(k) || k === "style") {
          return; // never handlers or inline styles from here
        }
        node.setAttribute(k, String(props.attrs[k]));
      });
    }
    if (props.on) {
      Object.keys(props.on).forEach(function (k) {
        node.addEventListener(k, props.on[k]);
      });
    }
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === false) {
        return;
      }
      node.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
    });
    return node;
  }

  /** Replace an element's children. */
  function fill(node, children) {
    while (node.firstChild) {
      node.removeChild(node.firstChild);
    }
    (children || []).forEach(function (child) {
      if (child !== null && child !== undefined && child !== false) {
        node.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
      }
    });
    return node;
  }

  /** Show one of several elements (by the `hidden` attribute). */
  function showOnly(nodes, shown) {
    nodes.forEach(function (node) {
      if (node) {
        node.hidden = node !== shown;
      }
    });
  }

  // --- wording -------------------------------------------------------------------------------

  var PHASES = {
    lobby: "等待出题",
    question: "答题中",
    closed: "本题已截止",
    reveal: "公布答案",
    leaderboard: "排行榜",
    finished: "竞赛已结束",
  };

  /** The phase as the host console and the board name it: a paused question says so. */
  function phaseText(status, phase, paused) {
    if (status === "draft") {
      return "未开放报名";
    }
    var text = PHASES[phase] || phase || "";
    return phase === "question" && paused ? text + "（已暂停）" : text;
  }

  var KINDS = { single: "单选题", multiple: "多选题", judge: "判断题", fill: "填空题" };

  var ROUND_KINDS = { mandatory: "必答题", buzzer: "抢答题", risk: "风险题" };

  /** 0.167 → "16.7%". */
  function percent(x) {
    var n = Number(x) || 0;
    return (Math.round(n * 1000) / 10).toFixed(1) + "%";
  }

  /** Scores may arrive as 12 or 12.5 (center means). */
  function score(x) {
    var n = Number(x) || 0;
    return Math.round(n) === n ? String(n) : n.toFixed(1);
  }

  /** The class of a rank badge: the first three get their medal colour. */
  function rankClass(rank) {
    var n = Number(rank);
    return "rank" + (n >= 1 && n <= 3 ? " r" + n : "");
  }

  /** A rank as shown: "—" for none (a center nobody joined from). */
  function rankLabel(rank) {
    return rank === null || rank === undefined ? "—" : String(rank);
  }

  /** A client-made idempotency key. */
  function uuid() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    if (window.crypto && window.crypto.getRandomValues) {
      window.crypto.getRandomValues(bytes);
    } else {
      for (var i = 0; i < 16; i++) {
        bytes[i] = Math.floor(Math.random() * 256);
      }
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map
      .call(bytes, function (b) {
        return (b < 16 ? "0" : "") + b.toString(16);
      })
      .join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  // --- requests ----------------------------------------------------------------------------

  var TIMEOUT = { code: "timeout", message: "服务器没有回应，请稍后重试" };

  /**
   * Emit an event and call back once with its acknowledgement, or with
   * {ok: false, error: {code: "timeout"}} when none arrives within `ms` (default 8 s).
   */
  function request(socket, event, payload, callback, ms) {
    socket.timeout(ms || 8000).emit(event, payload, function (err, ack) {
      callback(err ? { ok: false, error: TIMEOUT } : ack || { ok: false, error: TIMEOUT });
    });
  }

  /** A policy's dates as shown: "2024-01-16 至 …" (either end may be open). */
  function policyDates(reveal) {
    return (reveal.effective || "…") + " 至 " + (reveal.expires || "…");
  }

  /**
   * The reveal's common details (buzzer winner, explanation, source) after `first` rows,
   * written into a <dl> as text.
   */
  function revealDetails(dl, reveal, first) {
    var rows = (first || []).slice();
    if (reveal.buzzer) {
      rows.push(["抢答者", reveal.buzzer.name + "（" + reveal.buzzer.center + "）"]);
    }
    if (reveal.explanation) {
      rows.push(["解析", reveal.explanation]);
    }
    if (reveal.source) {
      rows.push(["出处", reveal.source]);
    }
    if (reveal.effective || reveal.expires) {
      rows.push(["政策有效期", policyDates(reveal)]);
    }
    fill(dl, []);
    rows.forEach(function (row) {
      dl.appendChild(h("dt", { text: row[0] }));
      dl.appendChild(h("dd", { text: row[1] }));
    });
  }

  /**
   * The handlers the host console and the board share: they keep `st` (phase, paused,
   * buzzer, reveal, the next question, leaderboard, podium) and the countdown in step, then call `render`.
   */
  function followScreens(socket, st, countdown, render) {
    socket.on("question", function (q) {
      clock.sync(q.server_now);
      st.phase = "question";
      st.question = q;
      st.paused = false;
      st.reveal = null;
      st.buzzer = null;
      st.upcoming = null; // it is this one, now open
      st.counts.answered = 0;
      countdown.start(q.closes_at, false);
      render();
    });
    socket.on("paused", function (m) {
      clock.sync(m.server_now);
      st.paused = true;
      countdown.pause(m.paused_at || m.server_now);
      render();
    });
    socket.on("resumed", function (m) {
      clock.sync(m.server_now);
      st.paused = false;
      countdown.resume(m.closes_at);
      render();
    });
    socket.on("closed", function (m) {
      clock.sync(m.server_now);
      st.phase = "closed";
      st.paused = false;
      st.upcoming = m.upcoming || null;
      countdown.stop();
      render();
    });
    socket.on("buzzed", function (m) {
      st.buzzer = m;
      render();
    });
    socket.on("reveal", function (r) {
      st.phase = "reveal";
      st.reveal = r;
      st.upcoming = r.upcoming || null;
      countdown.stop();
      render();
    });
    socket.on("leaderboard", function (board) {
      st.phase = "leaderboard";
      st.leaderboard = board;
      render();
    });
    socket.on("finished", function (m) {
      st.phase = "finished";
      st.status = "finished";
      st.podium = m.podium;
      render();
    });
  }

  window.Live = {
    request: request,
    clock: clock,
    Countdown: Countdown,
    seconds: seconds,
    h: h,
    fill: fill,
    revealDetails: revealDetails,
    followScreens: followScreens,
    readyLeft: readyLeft,
    showOnly: showOnly,
    PHASES: PHASES,
    phaseText: phaseText,
    KINDS: KINDS,
    ROUND_KINDS: ROUND_KINDS,
    percent: percent,
    score: score,
    rankClass: rankClass,
    rankLabel: rankLabel,
    policyDates: policyDates,
    uuid: uuid,
  };
})();
