// Anchor for resolving the 1.x packages in ./node_modules (see src/core/vendor.ts).
