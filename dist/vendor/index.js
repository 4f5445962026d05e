// Anchor for resolving the packages in ./node_modules (see src/config/vendor.ts).
