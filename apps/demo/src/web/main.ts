// The page's entry: defines <demo-app> (and, through it, every demo component and <s3-upload>).
import './demo-app.js';
