// "Cite this piece": a Copy button beside each citation (the text boxes work without it).
// Copies the formatted citation (italics kept where the paste target takes HTML) and its plain text.
// Its words come from the block's data-* attributes (_cite.html), in the interface's language.
document.querySelectorAll(".cite-block .citation-text").forEach((box) => {
  if (!navigator.clipboard) return;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "copy-citation";
  const words = box.closest(".cite-block").dataset;
  button.textContent = words.copy || "Copy";
  button.setAttribute("aria-label", (words.copy || "Copy") + " " + box.getAttribute("aria-labelledby").split(" ")
    .map((id) => document.getElementById(id).textContent).join(", "));
  const status = document.createElement("span");
  status.className = "copy-status";
  status.setAttribute("role", "status");
  button.addEventListener("click", async () => {
    const html = box.parentElement.querySelector(".citation").innerHTML;
    try {
      if (window.ClipboardItem) {
        await navigator.clipboard.write([new ClipboardItem({
          "text/html": new Blob([html], {type: "text/html"}),
          "text/plain": new Blob([box.value], {type: "text/plain"})})]);
      } else {
        await navigator.clipboard.writeText(box.value);
      }
      status.textContent = words.copied || "Copied";
    } catch (error) {
      status.textContent = words.copyFailed || "Could not copy: select the text and copy it";
    }
  });
  box.after(button, status);
});
