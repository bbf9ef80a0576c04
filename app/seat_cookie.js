// Keeps, in this browser only, which student id it joined a class room with, so that a reload (or a session
// reset, when a server replica stops) puts the student back in the same seat instead of a new one. A cookie, not
// the page's address: a link a student copies to a friend carries no seat. The Class page keeps its room's
// teacher key the same way (fontnet_key_CODE), so the address bar of a projected page never shows it. It is sent to this app's own paths (the
// cookie's default path is the page's directory: "/" or the app's base path) and read by the server once, when a
// session starts (st.context.cookies). `data.maxAge` 0 forgets it (the student left the room).

export default function (component) {
  const { data, parentElement } = component;
  if (!data || !/^fontnet_(seat|key)_[A-Z0-9]+$/.test(data.name) || !/^[A-Za-z0-9_-]*$/.test(data.value)) return;
  const secure = location.protocol === "https:" ? "; Secure" : "";
  document.cookie = `${data.name}=${data.value}; Max-Age=${Math.max(0, Math.floor(data.maxAge))}; SameSite=Lax${secure}`;
  parentElement.setAttribute("data-seat-cookie", data.maxAge > 0 ? "kept" : "forgotten");  // for tests
}
