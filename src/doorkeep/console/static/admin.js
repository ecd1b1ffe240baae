// Reveal a masked client secret on request (served as a file: the console's CSP allows no inline script).
document.querySelectorAll("[data-reveal]").forEach((button) => {
  button.addEventListener("click", () => {
    const field = document.getElementById(button.dataset.reveal);
    const hidden = field.type === "password";
    field.type = hidden ? "text" : "password";
    button.textContent = hidden ? "Hide" : "Reveal";
  });
});
