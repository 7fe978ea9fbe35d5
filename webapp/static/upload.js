// Missive: the upload form with drag and drop and a progress bar. The form works without it.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form || !window.FormData || !window.XMLHttpRequest) return;
  var input = document.getElementById("files");
  var zone = document.getElementById("dropzone");
  var list = document.getElementById("file-list");
  var box = document.getElementById("upload-progress");
  var bar = document.getElementById("upload-bar");
  var percent = document.getElementById("upload-percent");
  var error = document.getElementById("upload-error");
  var submit = document.getElementById("upload-submit");
  var maxBytes = Number(form.getAttribute("data-max-bytes")) || 0;
  var limitMb = form.getAttribute("data-limit-mb");

  function human(n) {
    if (n < 1024) return n + " bytes";
    if (n < 1024 * 1024) return (n / 1024).toFixed(0) + " KB";
    return (n / 1024 / 1024).toFixed(1) + " MB";
  }

  function item(name, size, cls) {
    var li = document.createElement("li");
    if (cls) li.className = cls;
    var a = document.createElement("span");
    a.textContent = name;  // text, never HTML: file names are the user's
    var b = document.createElement("span");
    b.textContent = human(size);
    li.appendChild(a);
    li.appendChild(b);
    return li;
  }

  function totalSize() {
    var total = 0;
    for (var i = 0; i < input.files.length; i++) total += input.files[i].size;
    return total;
  }

  function showFiles() {
    list.textContent = "";
    clearError();
    var files = Array.prototype.slice.call(input.files);
    files.sort(function (x, y) { return x.name.localeCompare(y.name, undefined, { numeric: true }); });
    files.forEach(function (f) { list.appendChild(item(f.name, f.size)); });
    if (files.length > 1) list.appendChild(item(files.length + " files", totalSize(), "total"));
  }

  function fail(message) {
    error.textContent = message;
    error.hidden = false;
    box.hidden = true;
    submit.disabled = false;
  }

  function clearError() {
    error.hidden = true;
    error.textContent = "";
    var server = document.getElementById("server-error");
    if (server) server.hidden = true;
  }

  function setProgress(value) {
    bar.value = value;
    percent.textContent = Math.round(value) + "%";
  }

  input.addEventListener("change", showFiles);
  ["dragenter", "dragover"].forEach(function (type) {
    zone.addEventListener(type, function (event) {
      event.preventDefault();
      zone.classList.add("dropzone--over");
    });
  });
  ["dragleave", "drop"].forEach(function (type) {
    zone.addEventListener(type, function (event) {
      event.preventDefault();
      zone.classList.remove("dropzone--over");
    });
  });
  zone.addEventListener("drop", function (event) {
    var dropped = event.dataTransfer && event.dataTransfer.files;
    if (!dropped || !dropped.length) return;
    input.files = dropped;
    showFiles();
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearError();
    if (!input.files.length) return fail("Choose or drop the letter's files first.");
    if (maxBytes && totalSize() > maxBytes) {
      return fail("The files come to " + human(totalSize()) + ", more than the limit of " + limitMb +
        " MB in one go. Upload fewer or smaller files, or use the inbox folder.");
    }
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) setProgress(99 * e.loaded / e.total);  // 100 once saved
    });
    xhr.addEventListener("load", function () {
      var data = null;
      try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
      if (xhr.status === 201 && data && data.url) {
        setProgress(100);
        percent.textContent = "Saved";
        window.location.assign(data.url);
      } else {
        fail((data && data.error) || "The upload failed (HTTP " + xhr.status + "); nothing was saved.");
      }
    });
    xhr.addEventListener("error", function () {
      fail("The connection broke off before the files were saved. Nothing was saved; try again.");
    });
    submit.disabled = true;
    box.hidden = false;
    setProgress(0);
    xhr.send(new FormData(form));
  });
})();
