// Placeholder entry point; the public API of @advfc/core is exported from here.
export {};
