// Drag-and-drop upload with per-file progress (docs/console.md, "Upload"): each file goes to the
// upload API by XHR with one-use client-side credentials from /console/upload-auth.
"use strict";

(() => {
  const form = document.getElementById("upload-form");
  if (!form) return;
  const list = document.getElementById("uploads");
  const zone = document.getElementById("dropzone");
  const CONCURRENCY = 3;
  const queue = [];
  let running = 0;

  async function credentials(count) {
    const response = await window.consoleFetch(form.dataset.authUrl + "?count=" + count, { method: "POST" });
    if (!response.ok) throw new Error("upload credentials refused (" + response.status + ")");
    return (await response.json()).credentials;
  }

  function row(file, relativeDir) {
    const item = document.createElement("li");
    const name = document.createElement("span");
    name.textContent = (relativeDir ? relativeDir + "/" : "") + file.name;
    const bar = document.createElement("progress");
    bar.max = file.size || 1;
    bar.value = 0;
    bar.setAttribute("aria-label", "Upload of " + file.name);
    const state = document.createElement("output");
    state.textContent = "queued";
    item.append(name, bar, state);
    list.append(item);
    return { bar, state, item };
  }

  function targetFolder(relativeDir) {
    const base = (form.elements.folder.value || "/").replace(/\/+$/, "");
    return (base + "/" + (relativeDir || "")).replace(/\/+$/, "") || "/";
  }

  function send(job, auth) {
    const { file, relativeDir, ui } = job;
    const data = new FormData();
    data.append("file", file);
    data.append("fileName", file.name);
    data.append("folder", targetFolder(relativeDir));
    data.append("useUniqueFileName", form.elements.useUniqueFileName.checked ? "true" : "false");
    if (form.elements.isPrivateFile.checked) data.append("isPrivateFile", "true");
    const tags = form.elements.tags.value.trim();
    if (tags) data.append("tags", tags);
    for (const field of ["customMetadata", "extensions"]) {
      const value = form.elements[field].value.trim();
      if (value) data.append(field, value);
    }
    for (const [key, value] of Object.entries(auth)) data.append(key, value);
    return new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      xhr.open("POST", "/api/v1/files/upload");
      xhr.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable) {
          ui.bar.max = event.total;
          ui.bar.value = event.loaded;
          ui.state.textContent = Math.floor((100 * event.loaded) / event.total) + "%";
        }
      });
      xhr.addEventListener("load", () => {
        let body = {};
        try { body = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
        if (xhr.status === 200) {
          ui.bar.value = ui.bar.max;
          ui.state.textContent = "done";
          ui.item.dataset.state = "done";
          if (body.fileId) {
            const link = document.createElement("a");
            link.href = "/console/files/" + encodeURIComponent(body.fileId);
            link.textContent = "open";
            ui.item.append(link);
          }
        } else {
          ui.state.textContent = "failed: " + (body.message || xhr.status);
          ui.item.dataset.state = "failed";
        }
        resolve();
      });
      xhr.addEventListener("error", () => {
        ui.state.textContent = "failed: network error";
        ui.item.dataset.state = "failed";
        resolve();
      });
      ui.state.textContent = "0%";
      xhr.send(data);
    });
  }

  // Big files: the tus protocol (tus-js-client), resumed from where a broken upload stopped.
  function sendResumable(job) {
    const { file, relativeDir, ui } = job;
    const metadata = {
      filename: file.name,
      folder: targetFolder(relativeDir),
      useUniqueFileName: form.elements.useUniqueFileName.checked ? "true" : "false",
    };
    if (form.elements.isPrivateFile.checked) metadata.isPrivateFile = "true";
    for (const field of ["tags", "customMetadata", "extensions"]) {
      const value = form.elements[field].value.trim();
      if (value) metadata[field] = value;
    }
    return new Promise((resolve) => {
      const upload = new window.tus.Upload(file, {
        endpoint: form.dataset.tusUrl,
        chunkSize: 2 * 1024 * 1024,
        retryDelays: [0, 1000, 3000, 5000],
        headers: { "X-Console-CSRF": window.consoleCsrfToken() },
        metadata,
        removeFingerprintOnSuccess: true,
        onProgress(loaded, total) {
          ui.bar.max = total;
          ui.bar.value = loaded;
          ui.state.textContent = Math.floor((100 * loaded) / total) + "%";
        },
        onSuccess(payload) {
          ui.bar.value = ui.bar.max;
          ui.state.textContent = "done";
          ui.item.dataset.state = "done";
          ui.item.dataset.resumable = "true";
          const fileId = payload && payload.lastResponse && payload.lastResponse.getHeader("X-File-Id");
          if (fileId) {
            const link = document.createElement("a");
            link.href = "/console/files/" + encodeURIComponent(fileId);
            link.textContent = "open";
            ui.item.append(link);
          }
          resolve();
        },
        onError(error) {
          let message = String(error && error.message || error);
          const response = error && error.originalResponse;
          if (response) {
            try { message = JSON.parse(response.getBody()).message || message; } catch (e) { /* keep */ }
          }
          ui.state.textContent = "failed: " + message;
          ui.item.dataset.state = "failed";
          resolve();
        },
      });
      upload.findPreviousUploads().then((previous) => {
        if (previous.length) upload.resumeFromPreviousUpload(previous[0]);
        upload.start();
      });
    });
  }

  function isResumable(job) {
    return Boolean(window.tus) && job.file.size > Number(form.dataset.resumableFrom);
  }

  async function pump() {
    while (running < CONCURRENCY && queue.length) {
      if (isResumable(queue[0])) {
        const job = queue.shift();
        running += 1;
        sendResumable(job).then(() => { running -= 1; pump(); });
        continue;
      }
      const batch = [];
      while (batch.length < CONCURRENCY - running && queue.length && !isResumable(queue[0])) {
        batch.push(queue.shift());
      }
      running += batch.length;
      let auths;
      try {
        auths = await credentials(batch.length);
      } catch (error) {
        for (const job of batch) { job.ui.state.textContent = "failed: " + error.message; }
        running -= batch.length;
        continue;
      }
      batch.forEach((job, index) => {
        send(job, auths[index]).then(() => { running -= 1; pump(); });
      });
    }
  }

  function enqueue(file, relativeDir) {
    queue.push({ file, relativeDir, ui: row(file, relativeDir) });
  }

  function readEntry(entry, dir) {
    return new Promise((resolve) => {
      if (entry.isFile) {
        entry.file((file) => { enqueue(file, dir); resolve(); }, () => resolve());
      } else if (entry.isDirectory) {
        const reader = entry.createReader();
        const path = dir ? dir + "/" + entry.name : entry.name;
        const all = [];
        const next = () => reader.readEntries(async (entries) => {
          if (!entries.length) { for (const child of all) await readEntry(child, path); resolve(); return; }
          all.push(...entries);
          next();
        }, () => resolve());
        next();
      } else resolve();
    });
  }

  zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", async (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    const entries = [...event.dataTransfer.items].map((item) => item.webkitGetAsEntry && item.webkitGetAsEntry());
    if (entries.every(Boolean)) {
      for (const entry of entries) await readEntry(entry, "");
    } else {
      for (const file of event.dataTransfer.files) enqueue(file, "");
    }
    pump();
  });
  document.getElementById("up-files").addEventListener("change", (event) => {
    for (const file of event.target.files) enqueue(file, "");
    event.target.value = "";
    pump();
  });
  document.getElementById("up-dir").addEventListener("change", (event) => {
    for (const file of event.target.files) {
      const parts = (file.webkitRelativePath || file.name).split("/");
      parts.pop();
      enqueue(file, parts.join("/"));
    }
    event.target.value = "";
    pump();
  });
})();
