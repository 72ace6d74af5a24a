/** light, dark, or auto (follow the system); kept in localStorage, applied as data-theme on <html>. */
export type Theme = "auto" | "light" | "dark";
const KEY = "sandmail.theme";

export function currentTheme(): Theme {
  const saved = localStorage.getItem(KEY);
  return saved === "light" || saved === "dark" ? saved : "auto";
}

export function applyTheme(theme: Theme = currentTheme()): void {
  if (theme === "auto") {
    localStorage.removeItem(KEY);
    delete document.documentElement.dataset.theme;
  } else {
    localStorage.setItem(KEY, theme);
    document.documentElement.dataset.theme = theme;
  }
}

export function nextTheme(theme: Theme): Theme {
  return theme === "auto" ? "dark" : theme === "dark" ? "light" : "auto";
}
