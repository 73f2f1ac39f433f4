// answers.js — answers on every screen: the controls of a question, the one response format, an answer in words.
/*
 * One format, the one the server accepts (core/questions.py valid_response, docs/protocol.md):
 * single "A", multiple ["A", "C"] (sorted), judge true/false, fill "text" (trimmed); null when
 * there is none. The controls below hand back exactly that, and everything here reads it.
 *
 * - Answers.controls(question, opts): the option buttons (single, multiple, judge) or the text
 *   field (fill), for the live phone (play-screens.js) and the paper (paper.js).
 * - Answers.enhance(form): the server-rendered practice form (templates/learn/_choices.html,
 *   the same markup and classes with real inputs, so it works without script) gets the
 *   `chosen` marking the controls have.
 * - Answers.choices, Answers.ids, Answers.text, Answers.fromKey: a question's choices and an
 *   answer in words, for the reveal on the phone, the host console, the projector and the review;
 *   Answers.typed: the answers given to a closed fill-in question, counted.
 *
 * Loaded after live-client.js where controls are drawn (it builds them with Live.h); the
 * practice page needs only this file.
 */
(function () {
  "use strict";

  var LETTERS = "ABCDEFGHIJ";

  // The two choices of a judge question. The live screens (phone, console, projector) mark them
  // ✓ ✗; the paper and practice √ × (templates/learn/_choices.html), as a printed paper does.
  var JUDGE = [
    [true, "正确"],
    [false, "错误"],
  ];
  var MARKS = { live: ["✓", "✗"], paper: ["√", "×"] };

  function h() {
    return window.Live.h.apply(null, arguments);
  }

  /**
   * A question's choices as {id, value, key, text}: `value` is the response it makes ("A",
   * true), `id` how the server counts it in a reveal's distribution ("A", "true"), `key` what is
   * shown ("A"; with `letters`, A, B, C… by position, as a paper's options are shuffled; ✓ or √
   * for judge, by `marks`: "live" or "paper"). A fill-in question has none.
   */
  function choices(question, opts) {
    opts = opts || {};
    if (question.kind === "judge") {
      var marks = MARKS[opts.marks] || MARKS.paper;
      return JUDGE.map(function (pair, i) {
        return { id: String(pair[0]), value: pair[0], key: marks[i], text: pair[1] };
      });
    }
    if (question.kind === "fill") {
      return [];
    }
    return (question.options || []).map(function (opt, i) {
      var key = String(opt[0]);
      return { id: key.toUpperCase(), value: opt[0], key: opts.letters ? LETTERS.charAt(i) : key, text: opt[1] };
    });
  }

  /** The choices a response or an answer picks, as choice ids ("A", "C"; "true"). */
  function ids(kind, value) {
    if (value === null || value === undefined || kind === "fill") {
      return [];
    }
    if (kind === "judge") {
      return [String(value === true)];
    }
    return keys(value).map(function (k) {
      return k.toUpperCase();
    });
  }

  /** A response or an answer as a list of strings ("A", "C"; "true"; a fill-in's accepted texts). */
  function keys(answer) {
    if (Array.isArray(answer)) {
      return answer.map(String);
    }
    if (answer === null || answer === undefined) {
      return [];
    }
    return [String(answer)];
  }

  /**
   * A question's stored answer key as the server keeps it (["B"], ["A", "C"], ["true"], the
   * accepted texts) in the response format: a judge key becomes true/false. Only the paper's
   * review sends keys in that form (a reveal's `answer` is a boolean for judge already).
   */
  function fromKey(kind, key) {
    if (kind === "judge") {
      return Array.isArray(key) ? key[0] === "true" : key === true;
    }
    return key;
  }

  /** A readable answer: "B. 普府办〔2021〕31号", "正确", "A. …；C. …" or the fill-in text(s). */
  function text(kind, answer, options) {
    if (kind === "judge") {
      return answer === true ? "正确" : "错误";
    }
    var list = keys(answer);
    if (kind === "fill") {
      return list.join(" / ");
    }
    var texts = {};
    (options || []).forEach(function (opt) {
      texts[String(opt[0]).toUpperCase()] = opt[1];
    });
    return list
      .map(function (k) {
        var key = k.toUpperCase();
        return texts[key] ? key + ". " + texts[key] : key;
      })
      .join("；");
  }

  /**
   * A closed fill-in question's answers as given (a reveal's `typed` and `typed_other`): the rows
   * {text, count, right}, most given first, with one 其他答案 row for the rest.
   */
  function typed(reveal) {
    var rows = (reveal.typed || []).map(function (t) {
      return { text: t.text, count: t.count, right: !!t.correct };
    });
    if (reveal.typed_other) {
      rows.push({ text: "其他答案", count: reveal.typed_other, right: false, other: true });
    }
    return rows;
  }

  /** Whether there is a response at all (not null, "", or an empty selection). */
  function given(response) {
    return response !== null && response !== undefined && response !== "" && !(Array.isArray(response) && !response.length);
  }

  /** A multiple-choice selection with `value` tapped: added or taken away, sorted; null when empty. */
  function toggle(response, value) {
    var now = Array.isArray(response) ? response.slice() : [];
    var at = now.indexOf(value);
    if (at >= 0) {
      now.splice(at, 1);
    } else {
      now.push(value);
    }
    now.sort();
    return now.length ? now : null;
  }

  function chosenIn(kind, response, value) {
    if (kind === "multiple") {
      return Array.isArray(response) && response.indexOf(value) >= 0;
    }
    return response === value;
  }

  function optionButton(choice, chosen, disabled, onClick) {
    var button = h(
      "button",
      {
        className: "option" + (chosen ? " chosen" : ""),
        attrs: { type: "button", "aria-pressed": chosen ? "true" : "false" },
        data: { key: choice.key },
        on: { click: onClick },
      },
      [h("span", { className: "key", text: choice.key }), h("span", { className: "text", text: choice.text })]
    );
    button.disabled = !!disabled;
    return button;
  }

  function submitButton(label, disabled, onClick) {
    var button = h("button", { className: "big", text: label, attrs: { type: "button" }, on: { click: onClick } });
    button.disabled = !!disabled;
    return button;
  }

  /**
   * The controls of a question, as a list of elements (the page puts them in its container).
   *
   * opts.response  the response shown (option buttons marked `chosen`, the field's text)
   * opts.disabled  no answering now
   * opts.letters, opts.marks  how keys are shown (see choices)
   * opts.label, opts.placeholder  the fill-in field's accessible name and hint
   * opts.onChange(response)  the response changed: a tap (multiple: the toggled selection, null
   *                when empty), or a fill-in text after a pause in typing (null when empty)
   * opts.onSubmit(response)  when given, the question takes one answer, sent at once: single and
   *                judge on the tap, multiple and fill with a 提交 button (multiple taps then only
   *                change the selection, through onChange)
   */
  function controls(question, opts) {
    var kind = question.kind;
    var response = opts.response;
    var send = opts.onSubmit;
    if (kind === "fill") {
      return fillControls(response, opts);
    }
    var nodes = choices(question, opts).map(function (choice) {
      return optionButton(choice, chosenIn(kind, response, choice.value), opts.disabled, function () {
        if (kind === "multiple") {
          opts.onChange(toggle(response, choice.value));
        } else if (send) {
          send(choice.value);
        } else if (response !== choice.value) {
          opts.onChange(choice.value);
        }
      });
    });
    if (kind === "multiple" && send) {
      var count = Array.isArray(response) ? response.length : 0;
      nodes.push(
        submitButton(!opts.disabled && count ? "提交（已选 " + count + " 项）" : "提交", opts.disabled || !count, function () {
          if (count) {
            send(response.slice().sort());
          }
        })
      );
    }
    return nodes;
  }

  function fillControls(response, opts) {
    var input = h("input", {
      className: "fill-input",
      attrs: {
        type: "text",
        maxlength: "200", // the server's limit (core/questions.py valid_response)
        autocomplete: "off",
        placeholder: opts.placeholder || "填写答案",
        "aria-label": opts.label || "答案",
      },
    });
    input.value = typeof response === "string" ? response : "";
    input.disabled = !!opts.disabled;
    var send = opts.onSubmit;
    if (send) {
      return [
        input,
        submitButton("提交", opts.disabled, function () {
          var typed = input.value.trim();
          if (typed) {
            send(typed);
          }
        }),
      ];
    }
    var last = typeof response === "string" ? response : "";
    var timer = null;
    var commit = function () {
      window.clearTimeout(timer);
      var typed = input.value.trim();
      if (typed !== last) {
        last = typed;
        opts.onChange(typed || null);
      }
    };
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(commit, 800);
    });
    input.addEventListener("change", commit);
    return [input];
  }

  /**
   * A server-rendered answer form (the practice page): its option labels get `chosen` while
   * their input is checked, as the buttons of controls() do (old WeChat kernels lack :has).
   */
  function enhance(form) {
    var labels = form.querySelectorAll("label.option");
    var mark = function () {
      Array.prototype.forEach.call(labels, function (label) {
        var input = label.querySelector("input");
        label.classList.toggle("chosen", !!(input && input.checked));
      });
    };
    form.addEventListener("change", mark);
    window.addEventListener("pageshow", mark); // a form the browser restored
    mark();
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-answers]"), enhance);

  window.Answers = {
    controls: controls,
    enhance: enhance,
    choices: choices,
    ids: ids,
    keys: keys,
    fromKey: fromKey,
    text: text,
    typed: typed,
    given: given,
    toggle: toggle,
  };
})();
