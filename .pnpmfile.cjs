// Native addons (re2) are compiled with node-gyp at install. node-gyp downloads Node's headers
// unless told where they are; with no network, or behind a proxy, that fails. When the running
// Node has its headers installed beside it (Debian and NodeSource packages put them in
// /usr/include/node), point node-gyp there. pnpm passes only a few variables to build scripts,
// hence extraEnv.
const fs = require("node:fs");
const path = require("node:path");

const prefix = path.resolve(path.dirname(process.execPath), "..");
const hasHeaders = fs.existsSync(path.join(prefix, "include", "node", "node_api.h"));

module.exports = {
  hooks: {
    updateConfig(config) {
      if (!hasHeaders || process.env.npm_config_nodedir) return config;
      return { ...config, extraEnv: { ...config.extraEnv, npm_config_nodedir: prefix } };
    },
  },
};
