import { render } from "preact";

render(<p>sandmail</p>, document.getElementById("app")!);
