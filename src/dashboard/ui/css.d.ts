/** CSS imports are bundled by Bun.build into the dashboard's stylesheet. */
declare module "*.css";
