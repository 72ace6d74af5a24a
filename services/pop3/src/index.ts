export { createPop3Service, type Pop3Service, type Pop3ServiceOptions } from "./service.js";
