// Surveys and polls: small enhancements; every page works without JavaScript.
// - A question whose condition is on the same page ([data-condition-question]) shows only when
//   that answer is picked; hidden, it is emptied, so nothing of it is sent. Its note ("answer only
//   if…", for pages without JavaScript) is then not needed: hidden, except in the staff preview.
// - Typing in an "Autre (précisez)" field picks its choice.
// - A ranking gets buttons to move a choice up or down (their labels come from the page, in its
//   language); the rank selects follow. A required ranking starts numbered in the order shown, so
//   keeping that order is an answer; an optional one stays unranked until a choice is moved.
(function () {
  "use strict";

  function fieldsOf(scope, questionId) {
    return scope.querySelectorAll('[name="q' + questionId + '"]');
  }

  function picked(fields, choiceId) {
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      var isBox = field.type === "radio" || field.type === "checkbox";
      if ((isBox ? field.checked : true) && field.value === choiceId) return true;
    }
    return false;
  }

  function empty(block) {
    block.querySelectorAll("input, select, textarea").forEach(function (field) {
      if (field.type === "radio" || field.type === "checkbox") field.checked = false;
      else if (field.tagName === "SELECT") field.selectedIndex = 0;
      else field.value = "";
    });
  }

  function renumber(list) {
    list.querySelectorAll("select").forEach(function (select, index) {
      select.value = String(index + 1);
    });
  }

  // A required ranking with no rank chosen yet: numbered as shown (never one hidden by its condition).
  function prefill(scope) {
    scope.querySelectorAll("[data-ranking-prefill]").forEach(function (list) {
      if (list.closest("[hidden]")) return;
      var selects = list.querySelectorAll("select");
      for (var i = 0; i < selects.length; i++) {
        if (selects[i].value) return;
      }
      renumber(list);
    });
  }

  // In page order, so a chain of conditions settles in one pass (a hidden question is emptied first).
  function update(scope) {
    scope.querySelectorAll("[data-condition-question]").forEach(function (block) {
      var fields = fieldsOf(scope, block.getAttribute("data-condition-question"));
      if (!fields.length) return;
      var show = picked(fields, block.getAttribute("data-condition-choice"));
      if (show === !block.hidden) return;
      block.hidden = !show;
      if (!show) empty(block);
    });
    prefill(scope);
  }

  // The note is said by the page itself now: hidden, and no longer part of the question's description.
  function hideNotes(scope) {
    scope.querySelectorAll("[data-condition-question] .condition-note").forEach(function (note) {
      note.hidden = true;
      var block = note.closest("[data-condition-question]");
      block.querySelectorAll("[aria-describedby]").forEach(function (described) {
        var ids = described.getAttribute("aria-describedby").split(/\s+/).filter(function (id) {
          return id && id !== note.id;
        });
        if (ids.length) described.setAttribute("aria-describedby", ids.join(" "));
        else described.removeAttribute("aria-describedby");
      });
    });
  }

  function rankings(scope) {
    scope.querySelectorAll("[data-ranking]").forEach(function (list) {
      list.querySelectorAll(".ranking-item").forEach(function (item) {
        ["up", "down"].forEach(function (way) {
          var button = document.createElement("button");
          button.type = "button";
          button.className = "button button-secondary button-small ranking-move";
          button.textContent = way === "up" ? "↑" : "↓";
          button.setAttribute("aria-label", item.getAttribute("data-label-" + way));
          button.addEventListener("click", function () {
            var other = way === "up" ? item.previousElementSibling : item.nextElementSibling;
            if (!other) return;
            list.insertBefore(way === "up" ? item : other, way === "up" ? other : item);
            renumber(list);
            button.focus();
          });
          (item.querySelector(".ranking-controls") || item).appendChild(button);
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-survey-form]").forEach(function (scope) {
      update(scope);
      if (!scope.hasAttribute("data-survey-preview")) hideNotes(scope);
      scope.addEventListener("change", function () { update(scope); });
      scope.addEventListener("input", function (event) {
        var forId = event.target.getAttribute && event.target.getAttribute("data-other-for");
        var choice = forId && document.getElementById(forId);
        if (choice && event.target.value && !choice.checked) {
          choice.checked = true;
          update(scope);
        }
      });
      rankings(scope);
    });
  });
})();
