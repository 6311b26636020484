/** The TF.js name of the oneDNN backend. No '_': TF.js's kernel registry splits its keys on it. */
export const BACKEND_NAME = 'onednn';
