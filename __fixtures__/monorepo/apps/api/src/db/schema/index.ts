export * from "./enums.js";
export * from "./tickets.js";
