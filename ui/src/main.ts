import { mount } from "svelte";
import { setupI18n } from "./i18n";
import App from "./App.svelte";
import "./app.css";

setupI18n();

export default mount(App, { target: document.getElementById("app")! });
