// Reveal a masked client secret on request (served as a file: the console's CSP allows no inline script).
document.querySelectorAll("[data-reveal]").forEach((button) => {
  button.addEventListener("click", () => {
    const field = document.getElementById(button.dataset.reveal);
    const hidden = field.type === "password";
    field.type = hidden ? "text" : "password";
    button.textContent = hidden ? "Hide" : "Reveal";
  });
});

// A field that only matters while a switch is on (Offline Session Max under "Limited") is shown only
// then, as in Keycloak's console; without script it simply stays visible.
document.querySelectorAll("[data-shown-by]").forEach((block) => {
  const toggle = document.getElementById(block.dataset.shownBy);
  const update = () => { block.hidden = !toggle.checked; };
  toggle.addEventListener("change", update);
  update();
});
