// Loaded in <head> before the stylesheet paints: apply the saved theme so dark mode never flashes.
if (localStorage.theme === "dark" || (!("theme" in localStorage) && matchMedia("(prefers-color-scheme: dark)").matches))
  document.documentElement.classList.add("dark");
