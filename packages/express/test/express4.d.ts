// `express4` is an npm alias of express@4 (devDependency), typed like express.
declare module 'express4' {
  import express from 'express';
  export default express;
}
