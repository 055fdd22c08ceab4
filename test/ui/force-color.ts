/**
 * Imported first by the UI test helpers: Ink's colours (and so the inverse video of the selected row) are on in
 * tests too, whatever the test runner's output is, so tests can see which row is selected.
 */
process.env.FORCE_COLOR = '1';
