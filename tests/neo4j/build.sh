# Shared by ./start and ./admin (sourced, with DIR set to this directory): checks Java and
# Maven, then builds target/ (the launcher and target/classpath.txt, the Neo4j jars from
# ~/.m2) unless it is up to date. Messages name the calling script ($ME).
TARGET="$DIR/target"
CLASSPATH_FILE="$TARGET/classpath.txt"
STAMP="$TARGET/.build-stamp"   # touched after each successful build

for tool in java mvn; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "$ME: '$tool' not found on PATH (Neo4j needs Java 17+ and Maven)" >&2
        exit 3
    fi
done
JAVA_MAJOR=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p')
if [ -z "$JAVA_MAJOR" ] || [ "$JAVA_MAJOR" -lt 17 ]; then
    echo "$ME: Neo4j 5.26 needs Java 17 or later; 'java' is version '${JAVA_MAJOR:-unknown}'" >&2
    exit 3
fi

# True when target/ holds a build newer than the sources whose classpath entries all exist.
# (The stamp, not classpath.txt: Maven leaves an unchanged classpath file untouched.)
up_to_date() {
    [ -f "$STAMP" ] && [ -s "$CLASSPATH_FILE" ] && [ -d "$TARGET/classes/org" ] || return 1
    [ -z "$(find "$DIR/pom.xml" "$DIR/src" -newer "$STAMP" -print -quit)" ] || return 1
    local entry
    local IFS=:
    for entry in $(cat "$CLASSPATH_FILE"); do
        [ -e "$entry" ] || return 1
    done
    return 0
}

build() {
    rm -f "$STAMP"
    # Maven's output goes to stderr (stdout is reserved for the ready line), without the
    # colour escape codes that Maven 3.8 prints even in batch mode.
    if ! mvn -B -q -Dstyle.color=never -f "$DIR/pom.xml" package 2>&1 | sed 's/\x1b\[[0-9;]*m//g' >&2; then
        echo "$ME: 'mvn package' failed in $DIR" >&2
        exit 4
    fi
    touch "$STAMP"
}

if ! up_to_date; then
    mkdir -p "$TARGET"
    if command -v flock >/dev/null 2>&1; then
        # Several servers may be started at once (e.g. parallel test runs): build only once.
        exec 9>"$TARGET/.build.lock"
        flock 9
        up_to_date || build
        flock -u 9
        exec 9>&-
    else
        build
    fi
fi
