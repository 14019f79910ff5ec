// Package walkthrough holds only a test: it copies the repository into a
// temporary directory and follows README.md's "First steps" and "Adding a
// municipality" as a new user and a maintainer would, running the shell
// commands of those sections as written (make run included) and checking
// the results in headless Chromium. When the README changes, the test
// runs the new commands; when they stop working, it fails.
package walkthrough
