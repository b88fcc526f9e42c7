// pgJDBC against a running Weir server: connection with TLS, SCRAM and a
// runtime role, statements, prepared statements with typed parameters,
// portal-based fetching, denials with SQLSTATE, and the metadata calls BI
// tools make. Run: java -cp postgresql.jar JdbcTest.java PORT USER PASSWORD
// Exits non-zero with a message on the first failed check.

import java.math.BigDecimal;
import java.sql.*;
import java.util.*;

public class JdbcTest {
  static void check(boolean ok, String what) {
    if (!ok) throw new AssertionError(what);
  }

  static List<String> column(ResultSet rs, String name) throws SQLException {
    List<String> out = new ArrayList<>();
    while (rs.next()) out.add(rs.getString(name));
    return out;
  }

  public static void main(String[] args) throws Exception {
    String url = "jdbc:postgresql://127.0.0.1:" + args[0] + "/tpc?sslmode=require&options=-c%20role=electronics";
    Properties props = new Properties();
    props.setProperty("user", args[1]);
    props.setProperty("password", args[2]);
    try (Connection conn = DriverManager.getConnection(url, props)) {
      try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT i_item_id, i_category FROM item ORDER BY 1")) {
        List<String> categories = new ArrayList<>();
        while (rs.next()) categories.add(rs.getInt(1) + ":" + rs.getString(2));
        check(categories.equals(List.of("1:Electronics", "2:Electronics")), "rows " + categories);
      }
      try (PreparedStatement ps = conn.prepareStatement("SELECT i_item_id, i_price FROM item WHERE i_price > ? AND i_category = ?")) {
        ps.setInt(1, 150);
        ps.setString(2, "Electronics");
        for (int round = 0; round < 7; round++) {  // past prepareThreshold: a named server-side statement
          try (ResultSet rs = ps.executeQuery()) {
            check(rs.next() && rs.getLong(1) == 2 && rs.getLong(2) == 250 && !rs.next(), "prepared round " + round);
          }
        }
      }
      try (PreparedStatement ps = conn.prepareStatement("SELECT ?::decimal(10,2) AS d, ?::date AS day, ?::timestamp AS ts, ?::boolean AS b")) {
        ps.setBigDecimal(1, new BigDecimal("12.50"));
        ps.setDate(2, java.sql.Date.valueOf("2024-01-02"));
        ps.setTimestamp(3, java.sql.Timestamp.valueOf("2024-01-02 03:04:05.5"));
        ps.setBoolean(4, true);
        try (ResultSet rs = ps.executeQuery()) {
          check(rs.next(), "typed row");
          check(rs.getBigDecimal("d").compareTo(new BigDecimal("12.50")) == 0, "decimal " + rs.getBigDecimal("d"));
          check(rs.getDate("day").toString().equals("2024-01-02"), "date " + rs.getDate("day"));
          check(rs.getTimestamp("ts").toString().equals("2024-01-02 03:04:05.5"), "timestamp " + rs.getTimestamp("ts"));
          check(rs.getBoolean("b"), "boolean");
        }
      }
      try (Statement st = conn.createStatement()) {
        st.executeQuery("SELECT * FROM hr.people");
        check(false, "hr.people was readable");
      } catch (SQLException e) {
        check("42501".equals(e.getSQLState()), "denial state " + e.getSQLState() + " " + e.getMessage());
      }
      conn.setAutoCommit(false);
      try (Statement st = conn.createStatement()) {
        st.setFetchSize(3);  // portal suspension: Execute with a row limit
        try (ResultSet rs = st.executeQuery("SELECT i FROM range(10) t(i)")) {
          int n = 0;
          while (rs.next()) n++;
          check(n == 10, "fetched " + n);
        }
      }
      conn.commit();
      conn.setAutoCommit(true);
      DatabaseMetaData meta = conn.getMetaData();
      check(meta.getDatabaseProductName().equals("PostgreSQL"), "product " + meta.getDatabaseProductName());
      List<String> schemas = column(meta.getSchemas(), "TABLE_SCHEM");
      check(schemas.contains("tpc") && !schemas.contains("hr"), "schemas " + schemas);
      List<String> tables = column(meta.getTables(null, "tpc", "%", new String[] {"TABLE"}), "TABLE_NAME");
      check(tables.equals(List.of("item")), "tables " + tables);
      List<String> columns = column(meta.getColumns(null, "tpc", "item", "%"), "COLUMN_NAME");
      check(columns.equals(List.of("i_item_id", "i_category", "i_price")), "columns " + columns);
    }
    System.out.println("jdbc ok");
  }
}
