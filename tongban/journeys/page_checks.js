// Runs in the page after each step of a journey; returns what a user would trip over.
(minTapPx) => {
  const width = window.innerWidth;
  const visible = (el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== "hidden";
  };
  const describe = (el) => {
    const text = (el.innerText || el.value || el.getAttribute("aria-label") || el.name || "")
      .trim().replace(/\s+/g, " ").slice(0, 40);
    const id = el.id ? ` id=${el.id}` : "";
    const cls = el.className && typeof el.className === "string" ? ` class="${el.className}"` : "";
    return `<${el.tagName.toLowerCase()}${id}${cls}> ${text}`;
  };

  // Sideways scrolling of the page (a table may scroll inside its own .table-scroll box).
  const wide = [];
  if (document.scrollingElement.scrollWidth > width) {
    for (const el of document.querySelectorAll("header *, main *")) {
      const right = el.getBoundingClientRect().right;
      if (right > width + 1 && visible(el) && !el.closest(".table-scroll")) {
        wide.push(`${describe(el)} (right edge ${Math.round(right)} px)`);
      }
    }
  }

  // Buttons and links of navigation and forms must be big enough for a finger.
  const small = [];
  const targets = ["nav a", "nav button", "form button", "form a", "form input[type=submit]", "form select",
                   ".actions a", ".actions button", ".formactions a"];
  for (const el of document.querySelectorAll(targets.join(", "))) {
    const height = el.getBoundingClientRect().height;
    if (visible(el) && height < minTapPx) small.push(`${describe(el)} (${Math.round(height)} px high)`);
  }

  // Every form control has a label with words in it.
  const unlabelled = [];
  const hasText = (el) => el && el.textContent.trim() !== "";
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (["hidden", "submit", "button", "image", "reset"].includes(el.type)) continue;
    const byLabel = [...(el.labels || [])].some(hasText);
    const byAria = (el.getAttribute("aria-label") || "").trim() !== "";
    const byReference = (el.getAttribute("aria-labelledby") || "").split(/\s+/)
      .some((id) => id && hasText(document.getElementById(id)));
    if (!byLabel && !byAria && !byReference) unlabelled.push(describe(el));
  }
  return {scrollWidth: document.scrollingElement.scrollWidth, width, wide: wide.slice(0, 8), small, unlabelled};
}
